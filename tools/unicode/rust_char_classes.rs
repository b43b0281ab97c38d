// Prints the code-point ranges of Rust char classes used by lsm/checkpoint/unicode_tables.py.
// rustc -O tools/unicode/rust_char_classes.rs -o /tmp/ccc && /tmp/ccc
fn ranges(f: &dyn Fn(char)->bool) -> Vec<(u32,u32)> {
    let mut v = Vec::new(); let mut start: Option<u32> = None;
    for cp in 0u32..=0x110000 {
        let ok = cp < 0x110000 && char::from_u32(cp).map(|c| f(c)).unwrap_or(false);
        match (ok, start) { (true, None) => start = Some(cp), (false, Some(s)) => { v.push((s, cp)); start = None; }, _ => {} }
    }
    v
}
fn main() {
    let a = ranges(&|c: char| c.is_alphabetic());
    let n = ranges(&|c: char| c.is_alphanumeric());
    let w = ranges(&|c: char| c.is_whitespace());
    println!("ALPHA {}", a.iter().map(|(s,e)| format!("{:x}-{:x}", s, e)).collect::<Vec<_>>().join(","));
    println!("ALNUM {}", n.iter().map(|(s,e)| format!("{:x}-{:x}", s, e)).collect::<Vec<_>>().join(","));
    println!("WS {}", w.iter().map(|(s,e)| format!("{:x}-{:x}", s, e)).collect::<Vec<_>>().join(","));
}
