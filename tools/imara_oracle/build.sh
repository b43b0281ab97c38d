#!/usr/bin/env bash
# Builds the imara-diff 0.2.0 oracle used to generate tests/fixtures/imara_diff_golden.json.
# usage: tools/imara_oracle/build.sh /path/to/imara-diff-checkout OUTDIR
# The checkout's crates (hashbrown, memchr) are swapped for std so it builds offline.
set -euo pipefail
src=$1; out=$2; here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out" && mkdir -p "$out"
git -C "$src" archive v0.2.0 src | tar -x -C "$out"
cp "$here/intern_std.rs" "$out/src/intern.rs"
cp "$here/oracle.rs" "$out/oracle.rs"
sed -i 's/use memchr::memchr;//; s/memchr(b.\\n., self.0)/self.0.iter().position(|\&b| b == b'"'"'\\n'"'"')/' "$out/src/sources.rs"
sed -i 's/^#!\[cfg_attr(doc.*//; s/^#\[cfg(feature = "unified_diff")\]//; s/^pub use unified_diff.*//; s/^mod unified_diff;//' "$out/src/lib.rs"
cat > "$out/Cargo.toml" <<'TOML'
[package]
name = "imara-diff"
version = "0.2.0"
edition = "2021"
[lib]
path = "src/lib.rs"
[[bin]]
name = "oracle"
path = "oracle.rs"
TOML
(cd "$out" && cargo build --release --offline -q)
echo "$out/target/release/oracle"
