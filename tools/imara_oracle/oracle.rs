// Reads cases from stdin; prints Myers removed/added flags, then after postprocess_lines.
// Case: "T" ntokens, then ntokens lines of hex line content; "B" n ids...; "A" m ids...
use imara_diff::{Algorithm, Diff, IndentHeuristic, IndentLevel, Token};
use std::io::{self, BufRead, Write};
fn unhex(s: &str) -> Vec<u8> { (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i+2], 16).unwrap()).collect() }
fn bits(v: &[bool]) -> String { v.iter().map(|&b| if b {'1'} else {'0'}).collect() }
fn main() {
    let stdin = io::stdin(); let mut lines = stdin.lock().lines();
    let out = io::stdout(); let mut out = out.lock();
    while let Some(Ok(header)) = lines.next() {
        let n: usize = header.trim().parse().unwrap();
        let mut texts = Vec::new();
        for _ in 0..n { texts.push(unhex(lines.next().unwrap().unwrap().trim())); }
        let parse = |s: String| -> Vec<Token> { s.split_whitespace().map(|x| Token(x.parse().unwrap())).collect() };
        let before = parse(lines.next().unwrap().unwrap());
        let after = parse(lines.next().unwrap().unwrap());
        let mut diff = Diff::default();
        diff.compute_with(Algorithm::Myers, &before, &after, n as u32);
        let r: Vec<bool> = (0..before.len() as u32).map(|i| diff.is_removed(i)).collect();
        let a: Vec<bool> = (0..after.len() as u32).map(|i| diff.is_added(i)).collect();
        writeln!(out, "{} {}", bits(&r), bits(&a)).unwrap();
        diff.postprocess_with(&before, &after, IndentHeuristic::new(|t: Token| IndentLevel::for_ascii_line(texts[t.0 as usize].iter().copied(), 8)));
        let r: Vec<bool> = (0..before.len() as u32).map(|i| diff.is_removed(i)).collect();
        let a: Vec<bool> = (0..after.len() as u32).map(|i| diff.is_added(i)).collect();
        writeln!(out, "{} {}", bits(&r), bits(&a)).unwrap();
    }
}
