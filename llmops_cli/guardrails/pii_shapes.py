"""The PII shapes Presidio's own recognizers miss or over-match, as pure functions over text
(no Presidio import here; `pii.py` wraps them as recognizers):

- URLs with a scheme (`http://`, `https://`) or a bare `www.` host. Presidio's scheme-less
  patterns are not used: they flag dotted event names (`user.login.ok`) and file names.
  Loopback and unspecified hosts (`localhost`, `127.x.x.x`, `[::1]`, `0.0.0.0`) are spans
  to keep: a local address in a connection error is not personal data, and it tells the
  reader what failed.
- Phone numbers through libphonenumbers' matcher, run only on short windows around digit
  runs (its own scan is quadratic: 1 MB of "1 1 1 ..." takes ~50 s) and under a work budget
  per text. A number written with an explicit `+country` code is accepted when its length is
  possible for that country, whatever the region (people write made-up and newly allocated
  numbers that libphonenumber's validity ranges reject: `+31 6 9...`, `+44 7700 900...`);
  national formats only for the configured regions, valid and strictly grouped.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

# -- URLs ----------------------------------------------------------------------------------

_URL = re.compile(
    r"(?:\b(?:https?|ftps?|sftp|wss?)://|(?<![\w.@/-])www\d{0,3}\.)[^\s<>\"'`]+",
    re.IGNORECASE,
)
_WWW_HOST = re.compile(r"www\d{0,3}\.(?:[a-z0-9-]+\.)*[a-z0-9-]+\.[a-z]{2,}", re.IGNORECASE)
_HOSTNAME = re.compile(r"[\w-]+(?:\.[\w-]+)*\.?")  # \w: internationalised names too
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True, slots=True)
class UrlSpan:
    start: int
    end: int
    loopback: bool  # a local address: kept readable, not reported


def find_urls(text: str) -> Iterator[UrlSpan]:
    """Every URL with a scheme or a `www.` host, trailing prose punctuation left out."""
    for match in _URL.finditer(text):
        value = _trim(match.group())
        host = _host(value)
        if host is None:
            continue
        yield UrlSpan(match.start(), match.start() + len(value), is_local_host(host))


def _trim(value: str) -> str:
    """Drop sentence punctuation and closing brackets that the URL did not open
    (`(see https://x.example/a).` ends at `a`)."""
    while value:
        last = value[-1]
        unopened = last in _PAIRS and value.count(last) > value.count(_PAIRS[last])
        if last in _TRAILING or unopened:
            value = value[:-1]
        else:
            break
    return value


def _host(url: str) -> str | None:
    """The URL's host, or None when there is none worth the name."""
    lowered = url.lower()
    if lowered.startswith("www"):
        match = _WWW_HOST.match(url)
        return match.group().lower() if match else None
    rest = url.split("://", 1)[1]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1]
    if authority.startswith("["):  # [IPv6]:port
        inner = authority[1:].split("]", 1)[0]
        return inner.lower() if _is_ip(inner) else None
    host = authority.split(":", 1)[0].lower()
    if _is_ip(host) or (_HOSTNAME.fullmatch(host) and any(c.isalpha() for c in host)):
        return host
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_local_host(host: str) -> bool:
    """`localhost`, a loopback address or the unspecified one (`0.0.0.0`, `::`)."""
    host = host.rstrip(".").strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


# -- phone numbers ---------------------------------------------------------------------------

# a run of digits and the separators phone numbers are written with; `+` and `(` may open it
_DIGIT_RUN = re.compile(r"[+(]?\d[\d \u00a0().\-/]*\d\)?")
_MIN_DIGITS = 7  # no phone number is shorter
_SHORT_RUN = 64  # a run this long goes to the matcher whole
_SLICE, _STEP = 48, 24  # longer runs: overlapping slices (a number is at most ~24 chars)
# the matcher (~0.5 ms a call) may look at 64 + len/1000 windows of a text in vain
_BUDGET_BASE, _BUDGET_SHARE = 64, 1_000
# `555-123-4567`, `(555) 123-4567`: the shape of a North American number, which people write
# with made-up area codes and exchanges libphonenumber holds invalid (555, 123)
_NANP_REGIONS = {"US", "CA"}
_NANP_SHAPE = re.compile(
    r"(?<![\w+.-])(?:1[-. ])?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}([-.]))\d{3}(?(1)\1|[-.])\d{4}"
    r"(?![\w-]|\.\d)"
)
_PHONE_LABEL = re.compile(
    r"\b(?:phone|tel|telephone|call|mobile|cell|text|sms|whatsapp|fax|ph|contact|dial)\b",
    re.IGNORECASE,
)
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")  # a run that is an address, not a number


@dataclass(frozen=True, slots=True)
class PhoneSpan:
    start: int
    end: int


def find_phones(text: str, regions: Sequence[str]) -> list[PhoneSpan]:
    """Phone numbers in `text`: `+CC` numbers of a possible length, valid national numbers
    of `regions` in a strict grouping (so order ids and dates stay out), and in the US and
    Canada anything written in the 3-3-4 shape with dashes, dots or an (area code)."""
    found: set[PhoneSpan] = set()
    budget = _BUDGET_BASE + len(text) // _BUDGET_SHARE  # matcher calls that found nothing
    for start, end in _windows(text):
        if budget <= 0:
            break  # digit soup (1 MB of "1 1 1 ..."): the work per text stays linear
        spans = _match(text, start, end, regions)
        found.update(PhoneSpan(start + a, start + b) for a, b in spans)
        budget -= not spans
    if _NANP_REGIONS & set(regions):
        found.update(PhoneSpan(*m.span()) for m in _NANP_SHAPE.finditer(text))
    return sorted(found, key=lambda s: (s.start, -s.end))


def _match(text: str, at: int, end: int, regions: Sequence[str]) -> list[tuple[int, int]]:
    """Numbers in `text[at:end]`, offsets relative to `at`. A national number written as bare
    digits (`2147483647`, an order id) needs a label before it (`phone`, `tel`, `call`)."""
    found = _matched(text[at:end], tuple(regions))
    return [(a, b) for a, b, bare in found if not bare or _labelled(text, at + a)]


_MATCHED_MAX = 50_000  # windows whose matcher results are kept (logs repeat dates and ids)
_matched_cache: dict[tuple[str, tuple[str, ...]], list[tuple[int, int, bool]]] = {}


def _matched(window: str, regions: tuple[str, ...]) -> list[tuple[int, int, bool]]:
    """The matcher's numbers in `window`: (start, end, whether a label must precede it),
    kept per window (a log repeats its dates, hosts and ids: the matcher costs ~0.3 ms)."""
    key = (window, regions)
    if (hit := _matched_cache.get(key)) is not None:
        return hit
    import phonenumbers

    found = []
    if "+" in window:
        for m in phonenumbers.PhoneNumberMatcher(
            window, regions[0], leniency=phonenumbers.Leniency.POSSIBLE
        ):
            if m.raw_string.startswith("+"):
                found.append((m.start, m.end, False))
    for region in regions:
        for m in phonenumbers.PhoneNumberMatcher(
            window, region, leniency=phonenumbers.Leniency.STRICT_GROUPING
        ):
            found.append((m.start, m.end, m.raw_string.isdigit()))
    if len(_matched_cache) >= _MATCHED_MAX:
        _matched_cache.clear()
    _matched_cache[key] = found
    return found


def _labelled(text: str, start: int) -> bool:
    return bool(_PHONE_LABEL.search(text, max(start - 24, 0), start))


def _windows(text: str) -> Iterator[tuple[int, int]]:
    """Spans of text worth handing to the matcher: each digit run of 7 digits or more with
    a character of context either side (the matcher rejects numbers glued to letters)."""
    for run in _DIGIT_RUN.finditer(text):
        value = run.group()
        if sum(c.isdigit() for c in value) < _MIN_DIGITS or _IPV4.fullmatch(value):
            continue
        start, end = run.span()
        if end - start <= _SHORT_RUN:
            yield max(start - 1, 0), min(end + 1, len(text))
            continue
        for offset in range(start, end - _STEP, _STEP):
            yield offset, min(offset + _SLICE, end)
