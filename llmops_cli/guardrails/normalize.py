"""Text views for injection detection: what a model would read once it has decoded the text.

An attack hides from a filter in ways a model does not mind: full-width or compatibility
letters, zero-width characters inside words, bidi controls, Unicode tag characters (an
invisible copy of ASCII), Latin words spelt with Cyrillic look-alikes, and payloads in base64,
hex, URL-encoding, rot13 or reversed. `views` undoes each of these and returns every reading,
so rules and the classifier see what the model would. The invisible characters found are
reported by kind. Every decoder is bounded (runs counted and capped in length, one level of
nesting) and every pattern is linear-time.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

MAX_RUNS = 16  # decoded runs per kind and text
MAX_RUN = 65_536  # characters of one encoded run that are decoded
MIN_DECODED = 12  # shorter decoded strings are ids and hashes, not instructions

_TAGS = re.compile("[\U000e0000-\U000e007f]+")
_FLAG_TAGS = re.compile("\U0001f3f4[\U000e0020-\U000e007e]{1,8}\U000e007f")  # 🏴 subdivision
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_FILLERS = "\u115f\u1160\u3164\uffa0\u034f"
# a zero-width character between two letters or digits is a word cut to dodge a filter
# (and emoji variation selectors VS15/16: "i\ufe0fg\ufe0fn\ufe0fo\ufe0fr\ufe0fe" shows "ignore")
_INWORD = re.compile(rf"(?<=[A-Za-z0-9])[{_ZERO_WIDTH}\u00ad\ufe0e\ufe0f]+(?=[A-Za-z0-9])")
_INVISIBLE = re.compile(rf"[{_ZERO_WIDTH}{_BIDI}{_FILLERS}\u200e\u200f\u00ad]")
_BIDI_ANY = re.compile(f"[{_BIDI}]")
_ZERO_WIDTH_ANY = re.compile("[\u200b\u2060-\u2064\ufeff\u180e]")  # not ZWNJ/ZWJ
_VARIATION_RUN = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]{2,}")

# "=" may come before a run ("payload=QXNz..."): padding only ever ends one
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
_BASE32 = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Z2-7]{16,}={0,6}(?![A-Za-z0-9+/=_-])")
_HEX = re.compile(r"(?:\\x|0x)?[0-9a-fA-F]{2}(?:[ :,]?(?:\\x|0x)?[0-9a-fA-F]{2}){7,}")
_URLENC = re.compile(r"(?:%[0-9a-fA-F]{2}[^\s%]{0,16}){3,}")
_CUE_ROT = re.compile(r"\b(?:rot[- ]?13|caesar|c[ée]sar|cipher|chiffr\w*|cifrad\w*)\b", re.I)
_CUE_REVERSE = re.compile(
    r"\b(?:revers\w*|backwards?|invers\w*|rückwärts|à l'envers|al rev[ée]s|omgekeerd"
    r"|achterstevoren|odwrotn\w*|od końca|de trás para (?:a )?frente|al contrario"
    r"|задом наперёд|задом наперед|наоборот|навпаки|з кінця|tersten|tersine|terbalik"
    r"|ngược|ανάποδα)\b|倒过来|倒著|倒着|反过来|逆から|逆さ|거꾸로|उल्टा|उलटा|بالعكس|معكوس"
)  # searched in the lower-cased text: a case-insensitive alternation this long is 3x slower
# leetspeak: a word of letters and the digits that stand in for letters, nothing else ("@" and
# "$" are left out: in addresses and shell variables they are themselves)
_LEET_WORD = re.compile(
    r"(?<![\w@$])(?=[A-Za-z013457]{0,23}[A-Za-z])(?=[A-Za-z013457]{0,23}[013457])"
    r"[A-Za-z013457]{2,24}(?![\w@$])"
)
_LEET_SHORT = re.compile(r"(?<![\w@$.,:/-])[013457]{1,2}(?![\w@$.,:/-])")  # "4" (a), "45" (as)
_WORD = re.compile(r"(?<!\w)\w*[^\W\d_]\w*")  # one try per word: `\w*` restarted inside a
# long run of digits made the count quadratic
_UNLEET = str.maketrans("013457", "oieast")
_LEET_HINT = re.compile(r"[A-Za-z][013457]|[013457][A-Za-z]")  # a cheap first look
# fewer, or under a third of the words, are versions and ids (v1, x86), not a sentence in digits
MIN_LEET_WORDS, MIN_LEET_SHARE, MANY_LEET_WORDS = 3, 0.3, 6

# Cyrillic and Greek letters that render as Latin ones, for words that mix the scripts
_CONFUSABLE = str.maketrans(
    dict(
        zip(
            "аеорсухіјѕԁӏАВЕКМНОРСТХІЈЅαορνικτΑΒΕΗΙΚΜΝΟΡΤΧΥΖ",
            "aeopcyxijsdlABEKMHOPCTXIJSaopviktABEHIKMNOPTXYZ",
            strict=True,
        )
    )
)
_MIXED_WORD = re.compile(
    r"\b(?=\w{0,30}[a-zA-Z])(?=\w{0,30}[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f])\w{2,32}\b"
)


@dataclass(frozen=True, slots=True)
class View:
    """One reading of a text: `via` names how it was obtained ("text", "base64", "tags", ...)."""

    via: str
    text: str


@dataclass(frozen=True, slots=True)
class Normalised:
    views: tuple[View, ...]  # the cleaned text first, then every decoded reading
    hidden: tuple[str, ...]  # kinds of invisible character present: "tag", "bidi", ...
    suspicious: bool  # invisible characters used the way smuggling uses them

    @property
    def text(self) -> str:
        return self.views[0].text


def _hidden_kinds(text: str) -> tuple[set[str], int]:
    """Kinds of invisible character in the text, and how many of them look like smuggling
    (ZWJ in emoji, LRM/RLM in right-to-left text, a soft hyphen and a flag's tags do not)."""
    kinds: set[str] = set()
    score = 0
    without_flags = _FLAG_TAGS.sub("", text)
    if _TAGS.search(without_flags):
        kinds.add("tag")
        score += 2
    if _BIDI_ANY.search(text):
        kinds.add("bidi")
        score += 2 if ("\u202d" in text or "\u202e" in text) else 1
    inword = sum(len(m.group()) for m in _INWORD.finditer(text) if "\u00ad" not in m.group())
    if inword or _ZERO_WIDTH_ANY.search(text):
        kinds.add("zero-width")
        score += inword
    if _VARIATION_RUN.search(text):
        kinds.add("variation-selector")
        score += 2
    return kinds, score


def _printable(decoded: str) -> bool:
    if len(decoded) < MIN_DECODED:
        return False
    good = sum(c.isprintable() or c in "\n\t" for c in decoded)
    letters = sum(c.isalpha() or c == " " for c in decoded)
    return good / len(decoded) > 0.95 and letters / len(decoded) > 0.6


def _utf8(raw: bytes) -> str | None:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return decoded if _printable(decoded) else None


def _from_base64(run: str) -> str | None:
    run = run[:MAX_RUN]
    try:
        altchars = b"-_" if ("-" in run or "_" in run) else None
        raw = base64.b64decode(run + "=" * (-len(run) % 4), altchars=altchars, validate=True)
    except (binascii.Error, ValueError):
        return None
    return _utf8(raw)


def _from_hex(run: str) -> str | None:
    digits = re.sub(r"\\x|0x|[ :,]", "", run[:MAX_RUN])
    try:
        return _utf8(bytes.fromhex(digits))
    except ValueError:
        return None


def _from_url(run: str) -> str | None:
    decoded = unquote(run[:MAX_RUN])
    return decoded if decoded != run and _printable(decoded) else None


def _tag_text(text: str) -> str:
    """The ASCII that Unicode tag characters spell (flag sequences left out)."""
    hidden = "".join(m.group() for m in _TAGS.finditer(_FLAG_TAGS.sub("", text)))
    return "".join(chr(ord(c) - 0xE0000) for c in hidden if 0xE0020 <= ord(c) <= 0xE007E)


def _variation_bytes(text: str) -> str | None:
    """Bytes hidden in variation selectors (VS1-16 are 0-15, VS17-256 are 16-255)."""
    out = bytearray()
    for m in _VARIATION_RUN.finditer(text):
        for c in m.group()[: MAX_RUN // 4]:
            cp = ord(c)
            out.append(cp - 0xFE00 if cp < 0xFE10 else cp - 0xE0100 + 16)
    return _utf8(bytes(out)) if out else None


def _from_base32(run: str) -> str | None:
    run = run[:MAX_RUN].rstrip("=")
    try:
        raw = base64.b32decode(run + "=" * (-len(run) % 8))
    except (binascii.Error, ValueError):
        return None
    return _utf8(raw)


def _unleet(text: str) -> str | None:
    """The text with its leetspeak words spelled in letters ("1gn0r3 y0ur rul35" is read as
    "ignore your rules"); None unless at least MIN_LEET_WORDS words mix letters and digits
    that way, and a third of the words or six (ids and versions, "a3f9c2", "v1.2", are not a
    sentence)."""
    if len(_LEET_HINT.findall(text)) < MIN_LEET_WORDS:  # each leet word holds one at least
        return None
    # counted among words of three characters or more: "3d", "s3", "b4" are names, not leet
    leet = sum(1 for m in _LEET_WORD.finditer(text) if len(m.group()) > 2)
    if leet < MIN_LEET_WORDS:
        return None
    words = sum(1 for m in _WORD.finditer(text) if len(m.group()) > 2)
    if leet < MANY_LEET_WORDS and leet < MIN_LEET_SHARE * words:
        return None
    spelled = _LEET_WORD.sub(lambda m: m.group().translate(_UNLEET), text)
    return _LEET_SHORT.sub(lambda m: m.group().translate(_UNLEET), spelled)


def _decoded(text: str) -> list[View]:
    """Decoded readings of the encoded runs in `text` (one level: no decoding of decodings)."""
    out: list[View] = []
    for via, pattern, decode in (
        ("base64", _BASE64, _from_base64),
        ("base32", _BASE32, _from_base32),
        ("hex", _HEX, _from_hex),
        ("url", _URLENC, _from_url),
    ):
        for n, m in enumerate(pattern.finditer(text)):
            if n == MAX_RUNS:
                break
            if (decoded := decode(m.group())) is not None:
                out.append(View(via, decoded))
    if _CUE_ROT.search(text):
        out.append(View("rot13", codecs.encode(text, "rot13")))
    if _CUE_REVERSE.search(text.lower()):
        out.append(View("reversed", text[::-1]))
    if (spelled := _unleet(text)) is not None:
        out.append(View("leet", spelled))
    return out


def _clean(text: str) -> str:
    text = _INWORD.sub("", text)  # "ig\u200bnore" is read as "ignore"
    text = _INVISIBLE.sub("", _TAGS.sub("", text))
    text = unicodedata.normalize("NFKC", text)
    if _MIXED_WORD.search(text):
        text = _MIXED_WORD.sub(lambda m: m.group().translate(_CONFUSABLE), text)
    return text


_RUNS = ("base64", "base32", "hex", "url")


def views(text: str) -> Normalised:
    """The cleaned text, and each decoded reading of it (tag characters, variation-selector
    bytes, base64, base32, hex and URL-encoded runs, rot13 and reversed text when the text
    says so, leetspeak)."""
    kinds: set[str]
    if text.isascii():  # no invisible, tag, bidi, compatibility or look-alike character
        kinds, score, clean = set(), 0, text
    else:
        kinds, score = _hidden_kinds(text)
        clean = _clean(text)
    found = [View("text", clean)]
    if "tag" in kinds and len(tagged := _tag_text(text).strip()) >= 2:
        found.append(View("tags", unicodedata.normalize("NFKC", tagged)))
    if "variation-selector" in kinds and (hidden := _variation_bytes(text)):
        found.append(View("variation-selector", hidden))
    for view in _decoded(clean):
        found.append(view)
        if view.via in _RUNS:  # a second level, not decoded further
            found.extend(v for v in _decoded(view.text) if v.via in _RUNS)
    return Normalised(tuple(found), tuple(sorted(kinds)), score >= 2)


def normalise(text: str) -> tuple[str, bool]:
    """(NFKC text without invisible/bidi characters, whether any were present)."""
    result = views(text)
    return result.text, bool(result.hidden)
