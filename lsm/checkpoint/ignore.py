"""git-ai's ignore rules: files a checkpoint never records.

The rules are git-ai's (``src/authorship/ignore.rs``):

* its default patterns (lock files, minified and generated files, source
  maps, ``vendor/`` and ``node_modules/`` trees, snapshots, protobuf
  outputs, ...), :data:`DEFAULT_IGNORE_PATTERNS`;
* the patterns of paths marked ``linguist-generated`` (or
  ``linguist-generated=true``/``=1``) in the repository's root
  ``.gitattributes``; a later ``-linguist-generated``, ``!linguist-generated``
  or ``=false``/``=0`` on the same line cancels it;
* one glob per line of the root ``.git-ai-ignore`` (blank lines and lines
  starting with ``#`` skipped).

Matching follows the Rust ``glob`` crate's ``Pattern::matches`` with default
options, as git-ai calls it: a path is ignored when a pattern matches the
whole relative path **or** its file name. ``*`` and ``?`` also match ``/``
(``require_literal_separator`` is off), so ``*.lock`` matches ``a/b/x.lock``
and ``docs/*.md`` matches ``docs/a/b.md``; ``**`` must be a whole path
component (``**/`` matches any number of leading directories, a trailing
``**`` anything); ``[abc]``, ``[a-z]`` and ``[!abc]`` are character classes;
there is no ``\\`` escaping. A pattern the crate rejects (``[`` unclosed,
``***``, ``a**``) matches as a literal path or file name instead. Matching is
case-sensitive. A missing, unreadable or non-UTF-8 file gives no rules.
"""

from __future__ import annotations

import re
from pathlib import Path

from lsm.errors import UnreadableFileError
from lsm.safeio import read_regular

__all__ = ["DEFAULT_IGNORE_PATTERNS", "IgnoreRules", "glob_to_regex"]

#: git-ai's ``DEFAULT_IGNORE_PATTERNS``, in its order.
DEFAULT_IGNORE_PATTERNS: tuple[str, ...] = (
    "*.lock",
    "Cargo.lock",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "go.sum",
    "Gemfile.lock",
    "poetry.lock",
    "composer.lock",
    "Pipfile.lock",
    "shrinkwrap.yaml",
    "*.generated.*",
    "*.min.js",
    "*.min.css",
    "*.map",
    "**/vendor/**",
    "**/node_modules/**",
    "**/__snapshots__/**",
    "**/*.snap",
    "**/*.snap.new",
    "**/drizzle/meta/**",
    # Protobuf generated code
    "*.pbobjc.h",
    "*.pbobjc.m",
    "*.pb.go",
    "*.pb.h",
    "*.pb.cc",
    "*_pb2.py",
    "*_pb2_grpc.py",
    "*.pb.swift",
    "*.pb.dart",
)

# Rust's char::is_whitespace (Unicode White_Space), used by str::trim and the
# .gitattributes tokenizer; Python's str.isspace also counts \x1c-\x1f.
_RUST_WS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_RUST_WS_SET = frozenset(_RUST_WS)

# The glob crate's tokens.
_CHAR = 0
_ANY_CHAR = 1
_ANY_SEQ = 2
_ANY_RECURSIVE = 3
_ANY_WITHIN = 4
_ANY_EXCEPT = 5


def _parse_specifiers(spec: str) -> list[tuple[str, str]]:
    """``parse_char_specifiers``: ``a-z`` ranges and single characters."""
    out: list[tuple[str, str]] = []
    i = 0
    n = len(spec)
    while i < n:
        if i + 3 <= n and spec[i + 1] == "-":
            out.append((spec[i], spec[i + 2]))
            i += 3
        else:
            out.append((spec[i], spec[i]))
            i += 1
    return out


def _class_body(specs: list[tuple[str, str]]) -> str:
    parts = []
    for lo, hi in specs:
        if lo == hi:
            parts.append(re.escape(lo))
        elif lo < hi:
            parts.append(f"{re.escape(lo)}-{re.escape(hi)}")
        # lo > hi: the crate's range matches nothing
    return "".join(parts)


def _tokenize(pattern: str) -> list[tuple[int, str]] | None:
    """``glob::Pattern::new``: the pattern's tokens, or ``None`` when it is invalid."""
    tokens: list[tuple[int, str]] = []
    n = len(pattern)
    i = 0
    while i < n:
        c = pattern[i]
        if c == "?":
            tokens.append((_ANY_CHAR, ""))
            i += 1
        elif c == "*":
            old = i
            while i < n and pattern[i] == "*":
                i += 1
            count = i - old
            if count > 2:
                return None
            if count == 1:
                tokens.append((_ANY_SEQ, ""))
                continue
            # ``**`` must be a whole path component: a/**/b, **/b, a/**.
            if not (i == 2 or pattern[old - 1] == "/"):
                return None
            if i < n and pattern[i] == "/":
                i += 1
            elif i != n:
                return None
            if not (len(tokens) > 1 and tokens[-1][0] == _ANY_RECURSIVE):
                tokens.append((_ANY_RECURSIVE, ""))
        elif c == "[":
            if i + 4 <= n and pattern[i + 1] == "!":
                j = pattern.find("]", i + 3)
                if j >= 0:
                    tokens.append((_ANY_EXCEPT, pattern[i + 2 : j]))
                    i = j + 1
                    continue
            elif i + 3 <= n and pattern[i + 1] != "!":
                j = pattern.find("]", i + 2)
                if j >= 0:
                    tokens.append((_ANY_WITHIN, pattern[i + 1 : j]))
                    i = j + 1
                    continue
            return None
        else:
            tokens.append((_CHAR, c))
            i += 1
    return tokens


def glob_to_regex(pattern: str) -> str | None:
    """The regular expression (for ``re.fullmatch`` with ``re.DOTALL``) of a glob.

    :returns: ``None`` when the ``glob`` crate rejects the pattern (git-ai then
        compares it literally).
    """
    tokens = _tokenize(pattern)
    if tokens is None:
        return None
    out: list[str] = []
    for kind, text in tokens:
        if kind == _CHAR:
            out.append(re.escape(text))
        elif kind == _ANY_CHAR:
            out.append(".")
        elif kind == _ANY_SEQ:
            out.append(".*")
        elif kind == _ANY_RECURSIVE:
            # Nothing, or anything up to a '/'; when the input runs out inside
            # the wildcard, the rest of the pattern must match the empty string.
            out.append(r"(?:.*/|.*\Z)?")
        else:
            body = _class_body(_parse_specifiers(text))
            if kind == _ANY_WITHIN:
                out.append(f"[{body}]" if body else "(?!)")
            else:
                out.append(f"[^{body}]" if body else ".")
    return "".join(out)


# The default patterns, checked without compiling them (a hook pays ~3 ms for
# the alternation): a literal is a name, ``*.x`` is a suffix of the path
# (``*`` crosses ``/``), ``*.generated.*`` a substring. The ``**`` patterns
# need their literal in the path, so only paths holding one of those reach
# the compiled matcher. test_ignore checks the two agree.
_DEFAULT_SUFFIXES = tuple(
    p[1:] for p in DEFAULT_IGNORE_PATTERNS if p.startswith("*") and "*" not in p[1:]
)
_DEFAULT_LITERALS = frozenset(p for p in DEFAULT_IGNORE_PATTERNS if not set(p) & set("*?["))
_DEFAULT_RECURSIVE_WORDS = ("vendor", "node_modules", "__snapshots__", ".snap", "drizzle/meta")


def _default_fast(path: str) -> bool | None:
    """True/False when the defaults surely do / do not match; None: ask the regex."""
    name = _file_name(path)
    for text in (path, name):
        if text.endswith(_DEFAULT_SUFFIXES) or ".generated." in text or text in _DEFAULT_LITERALS:
            return True
    if any(word in path for word in _DEFAULT_RECURSIVE_WORDS):
        return None
    return False


class _Matcher:
    """Compiled patterns: one alternation for the globs, a set for the literals."""

    __slots__ = ("exact", "regex")

    def __init__(self, patterns: tuple[str, ...]) -> None:
        globs: list[str] = []
        exact: set[str] = set()
        seen: set[str] = set()
        for pattern in patterns:
            if pattern in seen:
                continue
            seen.add(pattern)
            rx = glob_to_regex(pattern)
            if rx is None:
                exact.add(pattern)
            else:
                globs.append(f"(?:{rx})")
        self.regex = re.compile("|".join(globs), re.DOTALL) if globs else None
        self.exact = frozenset(exact)

    def matches(self, path: str) -> bool:
        name = _file_name(path)
        rx = self.regex
        if rx is not None and (rx.fullmatch(path) is not None or rx.fullmatch(name) is not None):
            return True
        return path in self.exact or name in self.exact


_MATCHERS: dict[tuple[str, ...], _Matcher] = {}


def _default_matches(path: str) -> bool:
    fast = _default_fast(path)
    return _matcher(()).matches(path) if fast is None else fast


def _matcher(extra: tuple[str, ...]) -> _Matcher:
    m = _MATCHERS.get(extra)
    if m is None:
        if len(_MATCHERS) > 64:
            _MATCHERS.clear()
        m = _MATCHERS[extra] = _Matcher(DEFAULT_IGNORE_PATTERNS + extra)
    return m


def _file_name(path: str) -> str:
    """Rust's ``Path::file_name`` (or ``""``): the last normal component."""
    stripped = path.rstrip("/")
    name = stripped.rpartition("/")[2]
    if name == ".":  # "a/." -> "a"
        return _file_name(stripped[:-1])
    if name == "..":
        return ""
    return name


#: The largest ``.gitattributes`` or ``.git-ai-ignore`` read.
MAX_RULES_BYTES = 4 << 20


def _read_text(path: Path, root: Path, refused: list[str] | None) -> str | None:
    # Not followed through a symbolic link, as git (2.32+) does not follow an
    # in-tree .gitattributes link; a FIFO or a device is refused, not read.
    try:
        data = read_regular(path, MAX_RULES_BYTES, nofollow_below=root)
    except UnreadableFileError as exc:
        if refused is not None:
            refused.append(f"{exc.what}; its ignore rules were not applied")
        return None
    except OSError:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _lines(contents: str) -> list[str]:
    """Trimmed, non-blank, non-comment lines (Rust ``lines()`` + ``trim()``)."""
    out = []
    for raw in contents.split("\n"):
        line = raw.strip(_RUST_WS)
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _split_gitattributes_tokens(line: str) -> list[str]:
    """Whitespace-separated tokens; ``\\`` escapes the next character."""
    tokens: list[str] = []
    current: list[str] = []
    escaped = False
    for ch in line:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in _RUST_WS_SET:
            if current:
                tokens.append("".join(current))
                current = []
        else:
            current.append(ch)
    if escaped:
        current.append("\\")
    if current:
        tokens.append("".join(current))
    return tokens


def linguist_generated_patterns(contents: str) -> list[str]:
    """The path patterns a ``.gitattributes`` text marks ``linguist-generated``."""
    patterns: list[str] = []
    for line in _lines(contents):
        tokens = _split_gitattributes_tokens(line)
        if len(tokens) < 2 or tokens[0].startswith("[attr]"):
            continue
        state: bool | None = None
        for attr in tokens[1:]:
            if attr == "linguist-generated":
                state = True
            elif attr in ("-linguist-generated", "!linguist-generated"):
                state = False
            elif attr.startswith("linguist-generated="):
                value = attr[len("linguist-generated=") :]
                low = value.lower() if value.isascii() else value
                if low == "true" or value == "1":
                    state = True
                elif low == "false" or value == "0":
                    state = False
        if state is True and tokens[0] not in patterns:
            patterns.append(tokens[0])
    return patterns


class IgnoreRules:
    """The ignore rules of one repository.

    :ivar patterns: the patterns beyond the defaults (``.gitattributes``
        ``linguist-generated`` paths, then ``.git-ai-ignore``), deduplicated.
    """

    __slots__ = ("_matcher", "patterns")

    def __init__(self, patterns: tuple[str, ...] = ()) -> None:
        seen: set[str] = set(DEFAULT_IGNORE_PATTERNS)
        extra: list[str] = []
        for pattern in patterns:
            if pattern not in seen:
                seen.add(pattern)
                extra.append(pattern)
        self.patterns: tuple[str, ...] = tuple(extra)
        self._matcher: _Matcher | None = None

    @classmethod
    def load(cls, repo_root: Path, refused: list[str] | None = None) -> IgnoreRules:
        """Read ``.gitattributes`` and ``.git-ai-ignore`` at the root of a work tree.

        :param refused: gets one line per rules file that exists but was not
            read (a FIFO, a device, a symbolic link, over 4 MiB).
        """
        patterns: list[str] = []
        attrs = _read_text(repo_root / ".gitattributes", repo_root, refused)
        if attrs is not None:
            patterns.extend(linguist_generated_patterns(attrs))
        ignore = _read_text(repo_root / ".git-ai-ignore", repo_root, refused)
        if ignore is not None:
            patterns.extend(_lines(ignore))
        return cls(tuple(patterns))

    def is_ignored(self, rel: str) -> bool:
        """Whether a path (POSIX, relative to the repository root) is ignored."""
        if not self.patterns:
            return _default_matches(rel)
        m = self._matcher
        if m is None:
            m = self._matcher = _matcher(self.patterns)
        return m.matches(rel)
