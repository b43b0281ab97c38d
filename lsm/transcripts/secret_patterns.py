"""Known secret families, found by their shape: the patterns half of redaction.

git-ai's detector (:mod:`lsm.transcripts.redact`) flags random-looking tokens
of 15 to 90 characters. It misses secrets that are longer (a GitHub
fine-grained token is 93 characters, a JWT usually more), that are not one
token (a URL with a password, a PEM block, an ``Authorization`` header, a
``password = ...`` line), or that sit under metadata keys it never looks at.
This module finds them by what they look like:

=================  ==========================================================
family             shape
=================  ==========================================================
private_key        ``-----BEGIN ... PRIVATE KEY-----`` ... ``-----END ...-----`` (or the end)
url_credentials    ``scheme://user:password@host``: the password
slack_webhook      ``hooks.slack.com/services/...`` and ``/workflows/...`` URLs
azure              ``AccountKey=``, ``SharedAccessKey=``, ``SharedAccessSignature=`` values;
                   SAS ``sig=``; client secrets ``...8Q~...``
authorization      ``Bearer <token>``, ``Basic <credentials>``, ``token <token>``
assignment         ``password = ...``, ``api_key: ...``, ``SECRET_TOKEN=...``: a value that is
                   not a reference, a placeholder, a number or a plain word, with >= 3 bits
                   of entropy per character
github             ``ghp_``/``gho_``/``ghu_``/``ghs_``/``ghr_`` + 36;
                   ``github_pat_`` + 22 + ``_`` + 59 (fine-grained, 93 characters)
gitlab             ``glpat-``, ``gldt-``, ``glrt-``, ``glptt-``, ``glsoat-``... + 20 or more
slack              ``xoxb-``/``xoxp-``/``xoxa-``/``xoxo-``/``xoxr-``/``xoxs-`` tokens, ``xapp-``
jwt                ``eyJ<header>.eyJ<payload>.<signature>`` (base64url)
aws                access key ids: ``AKIA``, ``ASIA``, ``AROA``... + 16
gcp                API keys (``AIza`` + 35), OAuth secrets (``GOCSPX-``), ``ya29.`` tokens;
                   service-account keys are PEM blocks (``private_key``)
stripe             ``sk_live_``/``sk_test_``/``rk_live_``/``rk_test_`` keys, ``whsec_``
anthropic          ``sk-ant-api03-``, ``sk-ant-admin01-``, ``sk-ant-oat01-``... keys
openai             ``sk-proj-``, ``sk-svcacct-``, ``sk-admin-`` keys, legacy ``sk-...T3BlbkFJ...``
=================  ==========================================================

How it stays fast (a transcript can be 200 MB; CPython's regex engine, run
over all of it, managed 3 MB/s here): nothing scans the text with a regex.
The *anchored* families (the first six) are found with ``bytes.find`` of a
literal (``-----begin``, ``://``, ``password``...) in the lower-cased UTF-8
bytes, and their regex is matched only at those positions. The *token*
families are runs of token characters (``[A-Za-z0-9+/_.~-]``), the same runs
git-ai's detector walks; a run is tested only when it, or a part of it
between ``/ + . ~``, starts with a family prefix. Spans are byte offsets in
the UTF-8 encoding of the text.

The patterns are kept as their source and compiled where they are first
used (``re.compile`` keeps what it compiled): compiling all of them took
~5 ms of every Claude hook's start-up, most of which never needs one.

:func:`redact_patterns` masks what they find (``abcd********wxyz``, as git-ai
does; a PEM block keeps its BEGIN and END lines). The tests hold a table of
positives and near-miss negatives for every family. Nothing here raises.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from lsm.record import NamedTuple

__all__ = [
    "ANCHORED_FAMILIES",
    "FAMILIES",
    "RUN_TABLE",
    "TOKEN_CHARS",
    "TOKEN_FAMILIES",
    "SecretSpan",
    "assigned_secret",
    "family_spans",
    "find_secrets",
    "mask",
    "masked_bytes",
    "redact_patterns",
    "run_spans",
    "token_runs",
]

MASK = "********"
_VISIBLE = 4
#: Runs longer than this are not tested for token families (the thinking
#: blocks of a transcript, base64 images, are runs of thousands of characters;
#: a JWT is rarely over 2 KiB).
MAX_TOKEN_RUN = 4096
#: The shortest token of a family (an AWS key id is 20, ``sk_live_`` + 10 is 18).
_MIN_TOKEN = 15


def mask(secret: str) -> str:
    """git-ai's ``redact_secret``: the first and last 4 characters stay."""
    if len(secret) <= _VISIBLE * 2:
        return "*" * len(secret)
    return secret[:_VISIBLE] + MASK + secret[-_VISIBLE:]


class SecretSpan(NamedTuple):
    """A secret found: ``raw[start:end]`` (UTF-8 byte offsets) and its family."""

    start: int
    end: int
    family: str


# --------------------------------------------------------------------------------------------
# the assignment family's value test

_PLACEHOLDERS = (
    "changeme",
    "example",
    "password",
    "redacted",
    "placeholder",
    "your",
    "xxxx",
    "****",
    "dummy",
    "secret",
    "token",
)
_WORDLIKE = r"[a-z]+(?:[-_.][a-z]+)*\Z|[A-Za-z_]+\Z|[A-Z]+(?:[-_.][A-Z]+)*\Z"
_IDENTIFIER_CHAIN = r"[A-Za-z_]\w*(?:(?:\.|::|->)[A-Za-z_]\w*)+\Z"


def _entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts: dict[str, int] = {}
    for ch in value:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def assigned_secret(value: str) -> bool:
    """Whether a value assigned to a secret-sounding name looks like a real secret.

    Not a reference (``$VAR``, ``${...}``, ``<...>``, ``%s``), not a
    placeholder (``changeme``, ``your-token``, ``xxxx``), not a number, a
    plain word or an identifier chain (``get_token``, ``self.password``), and
    at least 3 bits of entropy per character. Letters-only values are never
    taken (class names); git-ai's random-token test still sees long ones.
    """
    if len(value) < 8 or value[0] in "$%{<([@&*":
        return False
    low = value.lower()
    if any(p in low for p in _PLACEHOLDERS):
        return False
    if value.isdigit() or re.match(_WORDLIKE, value) or re.match(_IDENTIFIER_CHAIN, value):
        return False  # a number (a port, a timeout), a word, an attribute
    return _entropy(value) >= 3.0


# --------------------------------------------------------------------------------------------
# anchored families: a literal found with bytes.find, then a regex matched there


class AnchoredFamily(NamedTuple):
    """A family found at the occurrences of a literal.

    :ivar gates: single bytes, one of which the text must hold for the family
        to be looked for at all (a ``memchr`` each: the common text skips it).
    :ivar anchors: literals searched with ``bytes.find``, in the lower-cased
        bytes when ``folded``.
    :ivar pattern: the regex matched at ``anchor position - back`` (``back``: how
        far the match may start before the anchor, for names like ``db_password``).
    :ivar group: the group holding the secret.
    :ivar value_check: an extra test of the secret (text), or None.
    """

    family: str
    gates: tuple[bytes, ...]
    anchors: tuple[bytes, ...]
    pattern: bytes
    group: int
    folded: bool = False
    back: int = 0
    value_check: Callable[[str], bool] | None = None

    @property
    def regex(self) -> re.Pattern[bytes]:
        """``pattern`` compiled (on first use; ``re`` keeps it)."""
        return re.compile(self.pattern)


_ASSIGNMENT = (
    rb"([A-Za-z0-9_.-]{1,80})[\"']?[ \t]{0,4}(?::=|=>|=|:)[ \t]{0,4}"
    rb"([\"']?)([^\s\"'`,;(){}\[\]]{8,200})\2"
)
#: Where to look (few literals: each one is a scan of the text) ...
_ASSIGNMENT_ANCHORS = (b"secret", b"token", b"pass", b"pwd", b"key", b"credential")
#: ... and what the name must then hold (so that ``monkey = ...`` is no secret).
_ASSIGNMENT_NAMES = (
    rb"secret|token|passw|passphrase|pwd|api[_-]?key|access[_-]?key|auth[_-]?key|"
    rb"private[_-]?key|signing[_-]?key|encryption[_-]?key|credential"
)

ANCHORED_FAMILIES: tuple[AnchoredFamily, ...] = (
    AnchoredFamily(
        "private_key",
        (b"-",),
        (b"-----BEGIN",),
        rb"(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
        rb"(.*?)"
        rb"(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
        1,
    ),
    AnchoredFamily(
        "url_credentials",
        (b"@",),
        (b"://",),
        rb"://[^\s/:@]+:([^\s/@]{3,})@[^\s/@]",
        1,
    ),
    AnchoredFamily(
        "slack_webhook",
        (b"/",),
        (b"hooks.slack.com/",),
        rb"hooks\.slack\.com/(?:services|workflows)/([A-Za-z0-9/_-]{20,})",
        1,
    ),
    AnchoredFamily(
        "azure",
        (b"=",),
        (b"AccountKey=", b"SharedAccess", b"sig="),
        rb"(?:AccountKey|SharedAccessKey|SharedAccessSignature|(?<=[?&])sig)"
        rb"=([A-Za-z0-9+/=%]{20,})",
        1,
    ),
    AnchoredFamily(
        "authorization",
        (b" ", b"\t"),
        (b"bearer", b"basic", b"token"),
        rb"(?i:bearer|basic|token)[ \t]+([A-Za-z0-9._~+/=-]{16,})",
        1,
        folded=True,
        value_check=lambda v: assigned_secret(v) and any(c.isdigit() for c in v),
    ),
    AnchoredFamily(
        "assignment",
        (b"=", b":"),
        _ASSIGNMENT_ANCHORS,
        _ASSIGNMENT,
        3,
        folded=True,
        back=80,
        value_check=assigned_secret,
    ),
)

# Bytes that can be part of an assignment's name: where a name starts is found
# with one rfind in this map instead of a backwards loop.
_NAME_TABLE = bytes(
    ord("a") if chr(b).isascii() and (chr(b).isalnum() or chr(b) in "_.-") else ord(" ")
    for b in range(256)
)


# Every anchor, lower-cased, with the families it belongs to. Most texts hold none:
# one `in` per anchor over the lower-cased text rules the six families out at once.
# (On str: in CPython 3.11 `bytes in bytes` first tries the needle as an integer,
# and the TypeError it swallows makes each test ten times slower.)
_BY_ANCHOR: dict[str, list[tuple[AnchoredFamily, bytes]]] = {}
for _fam in ANCHORED_FAMILIES:
    for _anchor in _fam.anchors:
        _BY_ANCHOR.setdefault(_anchor.lower().decode(), []).append((_fam, _anchor))
_ANCHORS_LOW = tuple(_BY_ANCHOR)


_ALNUM = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _anchored_spans(raw: bytes, text: str) -> list[SecretSpan]:
    # Every anchored family needs punctuation or a space (its gates). The bytes left
    # once letters and digits are deleted (a C-speed translate, usually a fraction
    # of the text) answer the gates; a blob of letters (a thinking block) stops here.
    punct = raw.translate(None, _ALNUM)
    if not punct:
        return []
    low_text = text.lower()
    hits = [a for a in _ANCHORS_LOW if a in low_text]
    if not hits:
        return []
    spans: list[SecretSpan] = []
    names: bytes | None = None
    low = raw.lower()
    for hit in hits:
        for fam, anchor in _BY_ANCHOR[hit]:
            if not any(punct.find(gate) >= 0 for gate in fam.gates):
                continue
            hay = low if fam.folded else raw
            pos = hay.find(anchor)
            while pos >= 0:
                start = pos
                if fam.back:
                    if names is None:
                        names = raw.translate(_NAME_TABLE)
                    start = names.rfind(b" ", max(0, pos - fam.back), pos) + 1
                    if start == 0 and pos - fam.back > 0:
                        start = pos  # a name longer than the window: match from the word
                if _anchor_ok(fam.family, raw, pos):
                    span = _match(fam, raw, start)
                    if span is not None:
                        spans.append(span)
                pos = hay.find(anchor, pos + len(anchor))
    return spans


def _anchor_ok(family: str, raw: bytes, pos: int) -> bool:
    if family == "url_credentials":
        return pos > 0 and raw[pos - 1 : pos].isalpha()  # a scheme right before "://"
    if family == "authorization":
        return pos == 0 or not raw[pos - 1 : pos].isalnum()  # "bearer" as a word
    return True


def _match(fam: AnchoredFamily, raw: bytes, start: int) -> SecretSpan | None:
    m = fam.regex.match(raw, start)
    if m is None or not m.group(fam.group):
        return None
    if fam.back and not re.search(_ASSIGNMENT_NAMES, m.group(1).lower()):
        return None  # the anchor was part of another word (monkey, tokenizer...)
    check = fam.value_check
    if check is not None and not check(m.group(fam.group).decode("utf-8", "surrogatepass")):
        return None
    return SecretSpan(m.start(fam.group), m.end(fam.group), fam.family)


# --------------------------------------------------------------------------------------------
# token families: runs of token characters that start with a family prefix


class TokenFamily(NamedTuple):
    """A family whose secrets are tokens: ``pattern`` is searched in a triggering run."""

    family: str
    prefixes: tuple[bytes, ...]
    pattern: bytes

    @property
    def regex(self) -> re.Pattern[bytes]:
        """``pattern`` compiled (on first use; ``re`` keeps it)."""
        return re.compile(self.pattern)


_W = rb"(?<![A-Za-z0-9_])"  # a token starts where identifier characters start
_E = rb"(?![A-Za-z0-9_])"  # and ends where they end
_EH = rb"(?![A-Za-z0-9_-])"

TOKEN_FAMILIES: tuple[TokenFamily, ...] = (
    TokenFamily(
        "github",
        (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_"),
        _W + rb"(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})" + _E,
    ),
    TokenFamily(
        "gitlab",
        tuple(
            b"gl" + t + b"-"
            for t in (
                b"pat",
                b"dt",
                b"rt",
                b"ptt",
                b"soat",
                b"cbt",
                b"imt",
                b"ft",
                b"oas",
                b"agent",
            )
        ),
        _W + rb"gl(?:pat|dt|rt|ptt|soat|cbt|imt|ft|oas|agent)-[A-Za-z0-9_-]{20,}" + _EH,
    ),
    TokenFamily(
        "slack",
        (b"xoxb-", b"xoxp-", b"xoxa-", b"xoxo-", b"xoxr-", b"xoxs-", b"xapp-"),
        _W + rb"(?:xox[bpaors]-[0-9]{6,}-[A-Za-z0-9-]{8,}|xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{16,})",
    ),
    TokenFamily(
        "jwt",
        (b"eyJ",),
        rb"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}" + _EH,
    ),
    TokenFamily(
        "aws",
        tuple(b"AKIA ASIA ABIA ACCA AGPA AIDA AIPA ANPA ANVA APKA AROA ASCA A3T".split()),
        rb"(?<![A-Za-z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA"
        rb"|AROA|ASCA)[A-Z0-9]{16}(?![A-Za-z0-9])",
    ),
    TokenFamily(
        "gcp",
        (b"AIza", b"GOCSPX-", b"ya29"),
        _W
        + rb"(?:AIza[0-9A-Za-z_-]{35}|GOCSPX-[0-9A-Za-z_-]{28})"
        + _EH
        + rb"|"
        + _W
        + rb"ya29\.[0-9A-Za-z_-]{20,}",
    ),
    TokenFamily(
        "azure",
        (),  # no fixed prefix: runs holding "Q~" are tested (see _token_spans)
        rb"(?<![\w~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])",
    ),
    TokenFamily(
        "stripe",
        (b"sk_live_", b"sk_test_", b"rk_live_", b"rk_test_", b"whsec_"),
        _W + rb"(?:(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,99}|whsec_[0-9A-Za-z]{24,})" + _E,
    ),
    TokenFamily(
        "anthropic",
        (b"sk-ant-",),
        _W + rb"sk-ant-[a-z]+\d*-[A-Za-z0-9_-]{20,}" + _EH,
    ),
    TokenFamily(
        "openai",
        (b"sk-",),
        _W
        + rb"(?:sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}"
        + rb"|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-[A-Za-z0-9]{48})"
        + _EH,
    ),
)

#: Every family's name, anchored first, in the order they are reported.
FAMILIES: tuple[str, ...] = tuple(
    [f.family for f in ANCHORED_FAMILIES]
    + [f.family for f in TOKEN_FAMILIES if f.family != "azure"]
)

_PREFIXES = tuple(p for f in TOKEN_FAMILIES for p in f.prefixes)

#: git-ai's token alphabet (``[A-Za-z0-9+/_\\-.~]``, secrets.rs).
TOKEN_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-.~"
#: Token bytes map to "a", every other byte to " " (git-ai's token alphabet).
RUN_TABLE = bytes(ord("a") if b in TOKEN_CHARS else ord(" ") for b in range(256))


def token_runs(raw: bytes) -> bytes:
    """The run map of ``raw``: ``a`` where a token byte is, a space elsewhere."""
    return raw.translate(RUN_TABLE)


# Parts of runs: token bytes but / + . ~ (a key inside a path, a JWT's header...).
_PART_TABLE = bytes(
    ord("a") if b in TOKEN_CHARS and b not in b"/+.~" else ord(" ") for b in range(256)
)


# The first three bytes of every prefix (all have at least three): a slice and a set
# lookup per run, where bytes.startswith(tuple) pays a buffer request per prefix.
_PREFIX3 = frozenset(p[:3] for p in _PREFIXES)
_PREFIX_AT = b"|".join(re.escape(p) for p in sorted(_PREFIXES, key=len, reverse=True))


def _starts_family(raw: bytes, at: int) -> bool:
    return raw[at : at + 3] in _PREFIX3 and re.compile(_PREFIX_AT).match(raw, at) is not None


def _triggers(raw: bytes, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The runs that start with a family prefix, or hold a part (15+ bytes) that does,
    or hold ``Q~`` (Azure client secrets have no fixed prefix)."""
    out: list[tuple[int, int]] = []
    parts: list[tuple[int, int]] | None = None
    j = 0
    for start, end in runs:
        if end - start > MAX_TOKEN_RUN:
            continue
        if _starts_family(raw, start) or raw.find(b"Q~", start, end) >= 0:
            out.append((start, end))
            continue
        if parts is None:
            parts = run_spans(raw.translate(_PART_TABLE))
        while j < len(parts) and parts[j][0] < start:
            j += 1
        k = j
        while k < len(parts) and parts[k][1] <= end:
            if _starts_family(raw, parts[k][0]):
                out.append((start, end))
                break
            k += 1
    return out


def run_spans(runs: bytes, min_len: int = _MIN_TOKEN) -> list[tuple[int, int]]:
    """``(start, end)`` of every run of at least ``min_len`` token bytes in a run map."""
    out: list[tuple[int, int]] = []
    find = runs.find
    needle = b"a" * min_len
    start = find(needle)
    while start >= 0:
        end = find(b" ", start + min_len)
        if end < 0:
            end = len(runs)
        out.append((start, end))
        start = find(needle, end)
    return out


def _token_spans(raw: bytes, runs: list[tuple[int, int]]) -> list[SecretSpan]:
    spans: list[SecretSpan] = []
    for start, end in _triggers(raw, runs):
        run = raw[start:end]
        for fam in TOKEN_FAMILIES:
            for m in fam.regex.finditer(run):
                spans.append(SecretSpan(start + m.start(), start + m.end(), fam.family))
    return spans


# --------------------------------------------------------------------------------------------
# entry points


#: Nothing shorter can hold a secret of any family (``pwd=`` and 8 characters).
_MIN_TEXT = 12


def family_spans(
    raw: bytes, runs: list[tuple[int, int]] | None = None, text: str | None = None
) -> list[SecretSpan]:
    """Every known-family secret in ``raw`` (UTF-8), sorted, overlaps resolved.

    :param runs: ``run_spans(token_runs(raw))`` if the caller has it already.
    :param text: ``raw`` decoded, if the caller has it already.
    """
    if len(raw) < _MIN_TEXT:
        return []
    spans = _anchored_spans(raw, raw.decode("utf-8", "surrogatepass") if text is None else text)
    if runs is None:
        runs = run_spans(token_runs(raw))
    if runs:
        spans.extend(_token_spans(raw, runs))
    if len(spans) < 2:
        return spans
    # Overlaps: a specific family beats the generic ones (a GitHub token assigned to
    # GITHUB_TOKEN is "github"), then the longer span wins.
    spans.sort(key=lambda s: (s.start, -s.end))
    kept = [spans[0]]
    for span in spans[1:]:
        last = kept[-1]
        if span.start >= last.end:
            kept.append(span)
        elif _rank(span) < _rank(last):
            kept[-1] = span
    return kept


_GENERIC = {"authorization": 1, "assignment": 2}


def _rank(span: SecretSpan) -> tuple[int, int]:
    return _GENERIC.get(span.family, 0), span.start - span.end


def find_secrets(text: str) -> list[tuple[str, str]]:
    """``(family, secret)`` for every secret the patterns find, in text order."""
    raw = text.encode("utf-8", "surrogatepass")
    return [
        (s.family, raw[s.start : s.end].decode("utf-8", "surrogatepass")) for s in family_spans(raw)
    ]


def masked_bytes(raw: bytes, spans: list[SecretSpan]) -> bytes:
    """``raw`` with each span masked (a PEM body becomes one ``********`` line)."""
    pieces: list[bytes] = []
    done = 0
    for s in spans:
        pieces.append(raw[done : s.start])
        if s.family == "private_key":
            pieces.append(b"\n" + MASK.encode() + b"\n")
        else:
            pieces.append(mask(raw[s.start : s.end].decode("utf-8", "surrogatepass")).encode())
        done = s.end
    pieces.append(raw[done:])
    return b"".join(pieces)


def redact_patterns(text: str) -> str:
    """``text`` with every secret of a known family masked; ``text`` itself if none."""
    if len(text) < 8:
        return text
    raw = text.encode("utf-8", "surrogatepass")
    spans = family_spans(raw, text=text)
    if not spans:
        return text
    return masked_bytes(raw, spans).decode("utf-8", "surrogatepass")
