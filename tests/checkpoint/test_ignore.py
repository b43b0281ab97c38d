"""git-ai's ignore rules (src/authorship/ignore.rs) and the glob crate's matching."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from lsm.checkpoint.ignore import (
    DEFAULT_IGNORE_PATTERNS,
    IgnoreRules,
    glob_to_regex,
    linguist_generated_patterns,
)


def rules_with(tmp_path: Path, *, ignore: str | None = None, attrs: str | None = None):
    if ignore is not None:
        (tmp_path / ".git-ai-ignore").write_text(ignore, encoding="utf-8")
    if attrs is not None:
        (tmp_path / ".gitattributes").write_text(attrs, encoding="utf-8")
    return IgnoreRules.load(tmp_path)


# --- defaults ------------------------------------------------------------------------------------


def test_default_list_is_git_ais():
    assert len(DEFAULT_IGNORE_PATTERNS) == 30
    for pattern in ("*.lock", "Cargo.lock", "**/*.snap", "*.generated.*", "*_pb2_grpc.py"):
        assert pattern in DEFAULT_IGNORE_PATTERNS


@pytest.mark.parametrize(
    "path",
    [
        # lock files, at the root and nested (file name match)
        "Cargo.lock",
        "backend/Cargo.lock",
        "package-lock.json",
        "services/api/package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "web/pnpm-lock.yaml",
        "go.sum",
        "apps/web/Gemfile.lock",
        "poetry.lock",
        "composer.lock",
        "Pipfile.lock",
        "shrinkwrap.yaml",
        "flake.lock",
        # generated, minified, source maps
        "src/api.generated.ts",
        "schema.generated.go",
        "static/app.min.js",
        "static/css/site.min.css",
        "dist/app.js.map",
        "app.css.map",
        # vendored trees
        "vendor/github.com/x/y.go",
        "third_party/vendor/lib.c",
        "node_modules/lodash/index.js",
        "web/node_modules/lodash/index.js",
        # snapshots
        "tests/__snapshots__/feature.snap",
        "tests/__snapshots__/data.json",
        "tests/snapshots/feature.snap",
        "feature.snap",
        "src/x.snap.new",
        # drizzle
        "drizzle/meta/0032_snapshot.json",
        "web/drizzle/meta/_journal.json",
        # protobuf outputs
        "Message.pbobjc.h",
        "ios/Proto/Message.pbobjc.m",
        "proto/gen/service.pb.go",
        "message.pb.h",
        "cpp/protos/message.pb.cc",
        "backend/api/types_pb2.py",
        "service_pb2_grpc.py",
        "message.pb.swift",
        "message.pb.dart",
    ],
)
def test_default_patterns_ignore(path):
    assert IgnoreRules().is_ignored(path)


@pytest.mark.parametrize(
    "path",
    [
        "src/main.rs",
        "README.md",
        "lock.py",
        "src/locks/mutex.rs",
        "Cargo.toml",
        "package.json",
        "go.mod",
        "app.js",
        "src/min.js",
        "mapping.py",
        "backups/snapshots/state.json",
        "drizzle/0001_initial.sql",
        "drizzle/metadata.json",
        "vendors/x.go",
        "my_vendor/x.go",
        "node_modules_backup/x.js",
        "main.go",
        "service.py",
        "header.h",
        "source.cc",
        "app.swift",
        "widget.dart",
        "Objective.m",
        "snap.txt",
        "generated.ts",
    ],
)
def test_default_patterns_keep(path):
    assert not IgnoreRules().is_ignored(path)


def test_vendor_component_matches_only_with_a_file_below_it():
    rules = IgnoreRules()
    # `**/vendor/**` needs "vendor/" as a whole component somewhere.
    assert rules.is_ignored("a/b/vendor/c/d.txt")
    assert rules.is_ignored("vendor/x")
    assert not rules.is_ignored("vendor")  # the directory itself, no slash
    assert not rules.is_ignored("a/vendorx/y")


def test_matching_is_case_sensitive():
    rules = IgnoreRules()
    assert not rules.is_ignored("CARGO.LOCK")
    assert not rules.is_ignored("Node_Modules/x.js")
    assert rules.is_ignored("Cargo.LOCK".replace("LOCK", "lock"))


# --- .git-ai-ignore ------------------------------------------------------------------------------


def test_git_ai_ignore_patterns(tmp_path):
    rules = rules_with(
        tmp_path,
        ignore=(
            "# generated code\n\n  docs/api/**  \r\n*.pdf\nfixtures/big.json\n"
            "   # indented comment\n"
        ),
    )
    assert rules.patterns == ("docs/api/**", "*.pdf", "fixtures/big.json")
    assert rules.is_ignored("docs/api/index.html")
    assert rules.is_ignored("docs/api/v1/deep/page.html")
    assert rules.is_ignored("manual.pdf")
    assert rules.is_ignored("a/b/manual.pdf")  # '*' crosses '/', and the file name matches
    assert rules.is_ignored("fixtures/big.json")
    assert not rules.is_ignored("fixtures/small.json")
    assert not rules.is_ignored("docs/guide.md")
    assert not rules.is_ignored("# generated code")
    # the defaults still apply
    assert rules.is_ignored("yarn.lock")


def test_pattern_without_slash_matches_file_name_anywhere(tmp_path):
    rules = rules_with(tmp_path, ignore="secrets.env\nbuild\n")
    assert rules.is_ignored("secrets.env")
    assert rules.is_ignored("deploy/prod/secrets.env")
    # a directory name alone does not cover the files under it (not gitignore)
    assert rules.is_ignored("build")
    assert not rules.is_ignored("build/out.js")


def test_star_crosses_directories(tmp_path):
    rules = rules_with(tmp_path, ignore="docs/*.md\ngen/*\n")
    assert rules.is_ignored("docs/a.md")
    assert rules.is_ignored("docs/a/b/c.md")  # require_literal_separator is off
    assert rules.is_ignored("gen/x/y/z.py")
    assert not rules.is_ignored("src/docs/a.md")  # anchored at the root
    assert not rules.is_ignored("docs/a.txt")


def test_question_mark_and_classes(tmp_path):
    rules = rules_with(tmp_path, ignore="file?.txt\nlog[0-9].txt\nout[!ab].bin\n[]x].dat\n")
    assert rules.is_ignored("file1.txt")
    assert rules.is_ignored("sub/fileA.txt")
    assert not rules.is_ignored("file12.txt")
    assert rules.is_ignored("log7.txt")
    assert not rules.is_ignored("logx.txt")
    assert rules.is_ignored("outc.bin")
    assert not rules.is_ignored("outa.bin")
    assert rules.is_ignored("].dat")
    assert rules.is_ignored("x.dat")


def test_double_star_forms(tmp_path):
    rules = rules_with(tmp_path, ignore="**/gen/**\nsrc/**/*.pb.ts\nlogs/**\n")
    assert rules.is_ignored("gen/a.ts")
    assert rules.is_ignored("a/b/gen/c/d.ts")
    assert rules.is_ignored("src/x.pb.ts")
    assert rules.is_ignored("src/a/b/x.pb.ts")
    assert rules.is_ignored("logs/today.txt")
    assert rules.is_ignored("logs/2024/01/today.txt")
    assert not rules.is_ignored("lib/x.pb.tsx")


def test_invalid_patterns_match_literally(tmp_path):
    rules = rules_with(tmp_path, ignore="[\ndocs/[bad\na**b\n***\n")
    assert rules.is_ignored("[")
    assert rules.is_ignored("x/[")  # literal file name
    assert rules.is_ignored("docs/[bad")
    assert rules.is_ignored("a**b")
    assert rules.is_ignored("***")
    assert not rules.is_ignored("docs/good.rs")
    assert not rules.is_ignored("ab")
    assert not rules.is_ignored("axxb")


def test_backslash_is_not_an_escape(tmp_path):
    rules = rules_with(tmp_path, ignore="a\\*b\n")
    assert rules.is_ignored("a\\xyzb")
    assert not rules.is_ignored("a*b")


def test_regex_metacharacters_are_literal(tmp_path):
    rules = rules_with(tmp_path, ignore="a+b(c).txt\n$x^{1}|y\n")
    assert rules.is_ignored("a+b(c).txt")
    assert not rules.is_ignored("aab(c).txt")
    assert rules.is_ignored("$x^{1}|y")
    assert not rules.is_ignored("y")


def test_missing_unreadable_and_non_utf8_files_give_no_rules(tmp_path):
    assert IgnoreRules.load(tmp_path).patterns == ()
    assert IgnoreRules.load(tmp_path / "does-not-exist").patterns == ()
    (tmp_path / ".git-ai-ignore").mkdir()
    (tmp_path / ".gitattributes").write_bytes(b"*.bin linguist-generated\n\xff\xfe\n")
    rules = IgnoreRules.load(tmp_path)
    assert rules.patterns == ()
    assert not rules.is_ignored("x.bin")
    assert rules.is_ignored("Cargo.lock")


# --- .gitattributes linguist-generated ----------------------------------------------------------


GITATTRIBUTES = """\
# comment line linguist-generated
* text=auto
*.pb.ts linguist-generated
api/generated/** linguist-generated=true -diff
schema.graphql linguist-generated=TRUE
docs/out.html   linguist-generated=1
keep.ts linguist-generated=false
manual.ts linguist-generated -linguist-generated
other.ts linguist-generated !linguist-generated
flip.ts -linguist-generated linguist-generated
weird.ts linguist-generated=set
[attr]gen linguist-generated
lonely.ts
my\\ file.txt linguist-generated
"""


def test_linguist_generated_parsing():
    assert linguist_generated_patterns(GITATTRIBUTES) == [
        "*.pb.ts",
        "api/generated/**",
        "schema.graphql",
        "docs/out.html",
        "flip.ts",
        "my file.txt",
    ]


def test_linguist_generated_paths_are_ignored(tmp_path):
    rules = rules_with(tmp_path, attrs=GITATTRIBUTES)
    assert rules.is_ignored("src/types.pb.ts")  # '*' on the file name
    assert rules.is_ignored("api/generated/client/index.ts")
    assert rules.is_ignored("schema.graphql")
    assert rules.is_ignored("docs/out.html")
    assert rules.is_ignored("flip.ts")
    assert rules.is_ignored("my file.txt")
    assert not rules.is_ignored("keep.ts")
    assert not rules.is_ignored("manual.ts")
    assert not rules.is_ignored("other.ts")
    assert not rules.is_ignored("weird.ts")
    assert not rules.is_ignored("lonely.ts")
    assert not rules.is_ignored("src/main.ts")


def test_both_files_combine(tmp_path):
    rules = rules_with(tmp_path, ignore="*.pb.ts\nextra/**\n", attrs="*.pb.ts linguist-generated\n")
    assert rules.patterns == ("*.pb.ts", "extra/**")  # deduplicated
    assert rules.is_ignored("x.pb.ts")
    assert rules.is_ignored("extra/y")
    assert not rules.is_ignored("x.ts")


def test_nested_attribute_files_are_not_read(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".gitattributes").write_text("*.ts linguist-generated\n")
    (tmp_path / "sub" / ".git-ai-ignore").write_text("*.ts\n")
    rules = IgnoreRules.load(tmp_path)
    assert not rules.is_ignored("sub/a.ts")


# --- speed -------------------------------------------------------------------------------------


def test_load_is_fast_without_files(tmp_path):
    IgnoreRules.load(tmp_path).is_ignored("warm/up.py")
    n = 200
    started = time.perf_counter()
    for _ in range(n):
        IgnoreRules.load(tmp_path)
    per_load = (time.perf_counter() - started) / n
    assert per_load < 0.001


# --- against a port of the glob crate's matcher --------------------------------------------------


def crate_matches(pattern: str, path: str) -> bool | None:
    """A direct port of glob 0.3.4's Pattern::new + matches_from (default options)."""
    from lsm.checkpoint.ignore import _tokenize

    tokens = _tokenize(pattern)
    if tokens is None:
        return None
    match, sub_no, entire_no = 0, 1, 2

    def in_class(spec: str, c: str) -> bool:
        i = 0
        while i < len(spec):
            if i + 3 <= len(spec) and spec[i + 1] == "-":
                if spec[i] <= c <= spec[i + 2]:
                    return True
                i += 3
            else:
                if spec[i] == c:
                    return True
                i += 1
        return False

    def from_(file: str, pos: int, ti: int) -> int:
        while ti < len(tokens):
            kind, text = tokens[ti]
            if kind in (2, 3):  # AnySequence, AnyRecursiveSequence
                m = from_(file, pos, ti + 1)
                if m != sub_no:
                    return m
                while pos < len(file):
                    c = file[pos]
                    pos += 1
                    if kind == 3 and c != "/":
                        continue
                    m = from_(file, pos, ti + 1)
                    if m != sub_no:
                        return m
                ti += 1
                continue
            if pos >= len(file):
                return entire_no
            c = file[pos]
            pos += 1
            if kind == 0:
                ok = c == text
            elif kind == 1:
                ok = True
            elif kind == 4:
                ok = in_class(text, c)
            else:
                ok = not in_class(text, c)
            if not ok:
                return sub_no
            ti += 1
        return match if pos == len(file) else sub_no

    return from_(path, 0, 0) == match


def test_regex_agrees_with_the_crate_port():
    rng = random.Random(20240531)
    alphabet = "ab/.*?[]!-"
    path_alphabet = "ab/.-]!"
    checked = 0
    for _ in range(3000):
        pattern = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
        rx = glob_to_regex(pattern)
        for _ in range(8):
            path = "".join(rng.choice(path_alphabet) for _ in range(rng.randint(0, 9)))
            expected = crate_matches(pattern, path)
            if rx is None:
                assert expected is None
                continue
            got = re.fullmatch(rx, path, re.DOTALL) is not None
            assert got == expected, (pattern, path, rx)
            checked += 1
    assert checked > 5000


def test_regex_agrees_with_the_crate_port_on_component_patterns():
    rng = random.Random(7)
    pieces = ["a", "b", ".x", "/", "*", "**", "**/", "/**", "?", "[ab]", "[!a]", "[a-b]"]
    names = ["a", "b", "ab", ".x", "a.x", "ba"]
    checked = 0
    for _ in range(3000):
        pattern = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
        rx = glob_to_regex(pattern)
        for _ in range(8):
            path = "/".join(rng.choice(names) for _ in range(rng.randint(1, 4)))
            if rng.random() < 0.1:
                path += "/"
            expected = crate_matches(pattern, path)
            if rx is None:
                assert expected is None
                continue
            got = re.fullmatch(rx, path, re.DOTALL) is not None
            assert got == expected, (pattern, path, rx)
            checked += 1
    assert checked > 5000


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("**/*.snap", "a.snap", True),
        ("**/*.snap", "a/b/c.snap", True),
        ("**/vendor/**", "vendor/a", True),
        ("**/vendor/**", "x/vendor/", True),
        ("**", "anything/at/all", True),
        ("a/**", "a/", True),
        ("a/**", "a", False),
        ("**/**", "x", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("a/**/b", "ab", False),
        ("*", "a/b", True),
        ("?", "/", True),
        ("[z-a]", "m", False),
        ("[!z-a]", "m", True),
    ],
)
def test_glob_examples(pattern, path, expected):
    assert crate_matches(pattern, path) is expected
    rx = glob_to_regex(pattern)
    assert rx is not None
    assert (re.fullmatch(rx, path, re.DOTALL) is not None) is expected


def test_default_fast_path_agrees_with_the_compiled_patterns() -> None:
    import random

    from lsm.checkpoint import ignore

    rng = random.Random(7)
    parts = [
        "src", "vendor", "node_modules", "a.lock", "Cargo.lock", "x.min.js", "m.map", "y.snap",
        "__snapshots__", "drizzle", "meta", "z.pb.go", "q_pb2.py", "f.generated.ts", "lib",
        "vendorx", "snap", "go.sum", "App.tsx", ".", "w.snap.new", "a.pb.dart", "lock",
    ]  # fmt: skip
    full = ignore._Matcher(ignore.DEFAULT_IGNORE_PATTERNS)
    for _ in range(20000):
        path = "/".join(rng.choice(parts) for _ in range(rng.randint(1, 4)))
        assert ignore._default_matches(path) == full.matches(path), path
