"""Secret redaction, as git-ai does it (semantics doc 4.6).

The detector follows ``src/authorship/secrets.rs`` (itself after ripsecrets):
a *token* is a maximal run of ``[A-Za-z0-9+/_\\-.~]`` 15 to 90 bytes long
(longer runs are left alone); a token is a secret if it looks random by a
distinct-characters (Stirling numbers), character-class and bigram test:
``p_random >= 1e-5``, or ``>= 1e-4`` when it has no digit. A secret becomes its
first 4 characters, ``********`` and its last 4.

Beyond git-ai, on purpose: before the random-token test, the known secret
families of :mod:`lsm.transcripts.secret_patterns` are masked (GitHub
fine-grained tokens are 93 characters, over the 90-character token limit;
JWTs, PEM blocks, URLs with a password and ``password = ...`` assignments
are not one token).

The JSON walk follows ``src/daemon/transcript_redaction.rs``
(``redact_json_secrets``): string leaves are redacted up to depth 32. Under
metadata keys (``id``, ``*_id``, ``*Id``, ``*ID``, ``*uuid``, ``type``,
``name``, ``path``, ``file_path``...) git-ai keeps the whole subtree; we
apply the known-family patterns there too (so a token in a ``name`` or a
``path`` is masked) but not the random-token test, which would mask every
session id and UUID.

Where git-ai redacts whole raw transcript lines for telemetry, we redact the
fields of each message (:func:`redact_message`): texts, plans and tool
inputs, and (patterns only) the tool name and the timestamp.
Nothing here raises.
"""

from __future__ import annotations

import math
import operator
from functools import cache, lru_cache
from typing import Any

from lsm.transcripts.model import Message, TextMessage, ToolUse
from lsm.transcripts.secret_patterns import (
    SecretSpan,
    family_spans,
    masked_bytes,
    redact_patterns,
    run_spans,
    token_runs,
)

__all__ = [
    "MAX_REDACTION_DEPTH",
    "is_denied_key",
    "is_random",
    "p_random",
    "redact_json",
    "redact_message",
    "redact_secret",
    "redact_text",
]

MIN_SECRET_LENGTH = 15
MAX_SECRET_LENGTH = 90
REDACT_VISIBLE_CHARS = 4
#: Depth at which the JSON walk stops (``MAX_REDACTION_DEPTH`` in git-ai).
MAX_REDACTION_DEPTH = 32


# Common source-code bigrams: git-ai's BIGRAMS table (the ripsecrets list), as
# one space-separated string. Data, not code: the test needs the same set.
_BIGRAMS = frozenset(
    """
    er te an en ma ke 10 at /m on 09 ti al io .h ./ .. ra ht es or tm pe ml re in 3/ n3 0F ok
    ey 00 80 08 ss 07 15 81 F3 st 52 KE To 01 it 2B 2C /E P_ EY B7 se 73 de VP EV to od B0 0E
    nt et _P A0 60 90 0A ri 30 ar C0 op 03 ec ns as FF F7 po PK la .p AE 62 me F4 71 8E yp pa
    50 qu D7 7D rs ea Y_ t_ ha 3B c/ D2 ls DE pr am E0 oc 06 li do id 05 51 40 ED _p 70 ed 04
    02 t. rd mp 20 d_ co ro ex 11 ua nd 0C 0D D0 Eq le EF wo e_ e. ct 0B _c Li 45 rT pt 14 61
    Th 56 sT E6 DF nT 16 85 em BF 9E ne _s 25 91 78 57 BE ta ng cl _t E1 1F y_ xp cr 4F si s_
    E5 pl AB ge 7E F8 35 E2 s. CF 58 32 2F E7 1B ve B1 3D nc Gr EB C6 77 64 sl 8A 6A _k 79 C8
    88 ce Ex 5C 28 EA A6 2A Ke A7 th CA ry F0 B6 7/ D9 6B 4D DA 3C ue n7 9C .c 7B 72 ac 98 22
    /o va 2D n. _m B8 A3 8D n_ 12 nE ca 3A is AD rt r_ l- _C n1 _v y. yw 1/ ov _n _d ut no ul
    sa CT _K SS _e F1 ty ou nG tr s/ il na iv L_ AA da Ty EC ur TX xt lu No r. SL Re sw _1 om
    e/ Pa xc _g _a X_ /e vi ds ai == ts ni mg ic o/ mt gm pk d. ch /p tu sp 17 /c ym ot ki Te
    FE ub nL eL .k if he 34 e- 23 ze rE iz St EE -p be In ER 67 13 yn ig ib _f .o el 55 Un 21
    fi 54 mo mb gi _r Qu FD -o ie fo As 7F 48 41 /i eS ab FB 1E h_ ef rr rc di b. ol im eg ap
    _l Se 19 oS ew bs Su F5 Co BC ud C1 r- ia _o 65 .r sk o_ ck CD Am 9F un fa F6 5F nk lo ev
    /f .t sE nO a_ EN E4 Di AC 95 74 1_ 1A us ly ll _b SA FC 69 5E 43 um tT OS CE 87 7A 59 44
    t- bl ad Or D5 A_ 31 24 t/ ph mm f. ag RS Of It FA De 1D /d -k lf hr gu fy D6 89 6F 4E /k
    w_ cu br TE ST R_ E8 /O
    """.split()  # noqa: SIM905 - 488 quoted pairs as a list literal would be unreadable
)
_BIGRAM_COUNT = len(_BIGRAMS)  # 488 entries; every one appears once in git-ai's table

# ln(n!) for n = 0..90, summed in the same order as git-ai's table.
_LOG_FACTORIALS = [0.0] * (MAX_SECRET_LENGTH + 1)
for _i in range(1, MAX_SECRET_LENGTH + 1):
    _LOG_FACTORIALS[_i] = _LOG_FACTORIALS[_i - 1] + math.log(_i)


@cache  # built on first use: a hook whose text holds no token candidate never needs it
def _stirling_table() -> list[list[float]]:
    # S(n, k) for n <= 90, k <= 64, filled exactly like git-ai's table: the
    # recurrence runs for 2 <= k < min(n, 64), so S(n, 64) stays 0 for n > 64.
    table = [[0.0] * 65 for _ in range(MAX_SECRET_LENGTH + 1)]
    for n in range(1, MAX_SECRET_LENGTH + 1):
        table[n][1] = 1.0
        if n <= 64:
            table[n][n] = 1.0
    for n in range(2, MAX_SECRET_LENGTH + 1):
        for k in range(2, min(n, 64)):
            table[n][k] = k * table[n - 1][k] + table[n - 1][k - 1]
    return table


def _stirling(n: int, k: int) -> float:
    if k == 0 or n == 0 or k > n:
        return 0.0
    if k in (1, n):
        return 1.0
    # git-ai indexes a 65-column table; k > 64 (possible with 68 token
    # characters) would panic there. We read it as 0.
    return _stirling_table()[n][k] if k <= 64 else 0.0


def _erfc(x: float) -> float:
    # Abramowitz & Stegun 7.1.26, as git-ai's erfc_approx (not math.erfc, so
    # that thresholds land on the same side).
    t = 1.0 / (1.0 + 0.3275911 * abs(x))
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    result = poly * math.exp(-x * x)
    return result if x >= 0.0 else 2.0 - result


@cache  # bounded: n <= 90, x <= n, p one of six constants
def _p_binomial(n: int, x: int, p: float) -> float:
    if p <= 0.0:
        return 1.0 if x == 0 else 0.0
    if p >= 1.0:
        return 1.0 if x == n else 0.0
    mean = n * p
    variance = n * p * (1.0 - p)
    left_tail = x < mean
    if variance > 2.0:
        std = math.sqrt(variance)
        z = ((x + 0.5 if left_tail else x - 0.5) - mean) / std
        if left_tail:
            return 0.5 * _erfc(-z * _FRAC_1_SQRT_2)
        return 0.5 * _erfc(z * _FRAC_1_SQRT_2)
    low, high = (0, x) if left_tail else (x, n)
    log_p = math.log(p)
    log_q = math.log(1.0 - p)
    total = 0.0
    for i in range(low, high + 1):
        log_coeff = _LOG_FACTORIALS[n] - _LOG_FACTORIALS[n - i] - _LOG_FACTORIALS[i]
        total += math.exp(log_coeff + i * log_p + (n - i) * log_q)
    return total


_FRAC_1_SQRT_2 = 0.7071067811865476  # std::f64::consts::FRAC_1_SQRT_2


_DIGITS = b"0123456789"
_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = b"abcdefghijklmnopqrstuvwxyz"
_HEX = b"0123456789abcdefABCDEF"


def p_random(token: str) -> float:
    """The probability that ``token`` (ASCII, 1..90 characters) is random text.

    A port of git-ai's ``p_random`` (``analyze_token`` and the three tests);
    the arithmetic follows it step by step. The counting runs in C (``translate``,
    ``map``) and the probabilities are memoized: they depend on small integers only.
    """
    raw = token.encode("ascii")
    n = len(raw)
    digits = n - len(raw.translate(None, _DIGITS))
    uppers = n - len(raw.translate(None, _UPPER))
    lowers = n - len(raw.translate(None, _LOWER))
    # git-ai's is_all_hex / is_all_cap_num flags, both only for 16+ characters.
    if n >= 16 and not raw.translate(None, _HEX):
        base = 16.0
    elif n >= 16 and digits + uppers == n:
        base = 36.0
    else:
        base = 64.0
    p = _p_distinct(n, len(set(raw)), base)
    if base == 16.0:
        return p * _p_binomial(n, digits, 10.0 / 16.0)
    p_class = min(_p_binomial(n, digits, 10.0 / base), _p_binomial(n, uppers, 26.0 / base))
    if base == 36.0:
        return p * p_class
    p_class = min(p_class, _p_binomial(n, lowers, 26.0 / base))
    bigrams = sum(map(_BIGRAMS.__contains__, map(operator.add, token, token[1:])))
    return p * p_class * _p_binomial(n, bigrams, _BIGRAM_COUNT / (64.0 * 64.0))


@cache  # bounded: n <= 90, distinct <= 68, three bases
def _p_distinct(n: int, distinct: int, base: float) -> float:
    # Probability of this few distinct characters (Stirling numbers of the 2nd kind).
    more_extreme = 0.0
    falling = base
    for k in range(1, distinct + 1):
        more_extreme += _stirling(n, k) * falling
        falling *= base - k
    return more_extreme / base**n


@lru_cache(maxsize=8192)
def is_random(token: str) -> bool:
    """git-ai's ``is_random``: ``p >= 1e-5``, and ``>= 1e-4`` without a digit.

    Cached: transcripts repeat the same identifiers and paths many times.
    """
    p = p_random(token)
    if p < 1.0 / 1e5:
        return False
    return any(c.isdigit() for c in token) or p >= 1.0 / 1e4


def redact_secret(secret: str) -> str:
    """``sk_live_abc123`` → ``sk_l********c123``; 8 characters or fewer → all ``*``."""
    if len(secret) <= REDACT_VISIBLE_CHARS * 2:
        return "*" * len(secret)
    return secret[:REDACT_VISIBLE_CHARS] + "********" + secret[-REDACT_VISIBLE_CHARS:]


# Runs of token bytes (run_spans over the run map) are git-ai's token candidates,
# found with bytes.find at C speed instead of a regex that restarts inside every
# word; the known token families are looked for in the same runs.
assert MIN_SECRET_LENGTH == 15  # the families' shortest token too (secret_patterns)


def redact_text(text: str) -> str:
    """Mask known-family secrets and random-looking tokens (``redact_secrets_in_text``).

    One pass over the UTF-8 bytes finds both (see
    :mod:`lsm.transcripts.secret_patterns`); a token inside a family's
    secret is not masked twice. Returns ``text`` itself when nothing is redacted.
    """
    if len(text) < 12:
        return text
    raw = text.encode("utf-8", "surrogatepass")
    runs = run_spans(token_runs(raw), MIN_SECRET_LENGTH)
    spans = family_spans(raw, runs, text)
    if runs:
        spans.extend(_random_spans(raw, runs, spans))
    if not spans:
        return text
    spans.sort()
    return masked_bytes(raw, spans).decode("utf-8", "surrogatepass")


def _random_spans(
    raw: bytes, runs: list[tuple[int, int]], taken: list[SecretSpan]
) -> list[SecretSpan]:
    """git-ai's random tokens: runs of 15 to 90 token bytes that :func:`is_random` accepts.

    Runs that overlap a span in ``taken`` (sorted) are left to it.
    """
    out: list[SecretSpan] = []
    i = 0
    for start, end in runs:
        if end - start > MAX_SECRET_LENGTH:
            continue
        while i < len(taken) and taken[i].end <= start:
            i += 1
        if (i >= len(taken) or taken[i].start >= end) and is_random(raw[start:end].decode("ascii")):
            out.append(SecretSpan(start, end, "random"))
    return out


def is_denied_key(key: str) -> bool:
    """True for metadata keys whose values git-ai never redacts (``is_denied_key``).

    Case is folded for ASCII letters only, as Rust's ``eq_ignore_ascii_case``.
    """
    if key == "id" or key.endswith(("_id", "Id", "ID")):
        return True
    folded = key.encode("utf-8", "surrogatepass").lower()  # bytes.lower(): ASCII only
    return folded.endswith(b"uuid") or folded in _DENIED_KEYS


_DENIED_KEYS = frozenset(
    (
        b"timestamp",
        b"starttime",
        b"type",
        b"role",
        b"model",
        b"version",
        b"cwd",
        b"gitbranch",
        b"branch",
        b"path",
        b"file_path",
        b"filepath",
        b"producer",
        b"name",
        b"kind",
        b"status",
    )
)


def redact_json(value: Any, depth: int = 0, *, metadata: bool = False) -> Any:
    """Redact the string leaves of a parsed JSON value (``redact_json_secrets``).

    Under denied (metadata) keys only the known-family patterns apply; the
    walk stops at depth 32. Returns ``value`` itself when nothing changes,
    else a redacted copy.
    """
    if depth >= MAX_REDACTION_DEPTH:
        return value
    if isinstance(value, str):
        if metadata:
            masked = redact_patterns(value)
            return value if masked == value else masked
        return redact_text(value)
    if isinstance(value, dict):
        changed = False
        out: dict[str, Any] = {}
        for key, item in value.items():
            under = metadata or (isinstance(key, str) and is_denied_key(key))
            new = redact_json(item, depth + 1, metadata=under)
            changed = changed or new is not item
            out[key] = new
        return out if changed else value
    if isinstance(value, list):
        items = [redact_json(item, depth + 1, metadata=metadata) for item in value]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            return items
        return value
    return value


def _metadata_text(value: str | None) -> str | None:
    if value is None:
        return None
    masked = redact_patterns(value)
    return value if masked == value else masked


def redact_message(message: Message) -> Message:
    """The message with secrets redacted from its text or tool input.

    The tool name and the timestamp get the known-family patterns only, as
    metadata keys do. Returns ``message`` itself when nothing changes.
    """
    stamp = _metadata_text(message.timestamp)
    if isinstance(message, TextMessage):
        text = redact_text(message.text)
        if text is message.text and stamp is message.timestamp:
            return message
        return TextMessage(message.type, text, stamp)
    redacted = redact_json(message.input)
    name = _metadata_text(message.name)
    if redacted is message.input and name is message.name and stamp is message.timestamp:
        return message
    return ToolUse(name or "", redacted, stamp)
