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
  `00CC` for `+CC` when the number is valid and its area code a group of its own. National
  formats only for the configured regions: valid, with the area code not run into the digits
  after it (the subscriber number grouped any way), and not glued to an id, a date or an IP
  address. In the US and Canada also the 3-3-4 shape with made-up codes (`555-123-4567`,
  `453 690 4497`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

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
_DIGIT_RUN = re.compile(r"[+(]?\d[\d \u00a0\u2007\u2009\u202f().\-\u2010-\u2015\u2212/]*\d\)?")
# the thin spaces of French typography and the figure space, which libphonenumber does not
# read as separators: a space each (the same length, so offsets hold)
_THIN_SPACES = str.maketrans("\u2007\u2009\u202f", "   ")
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
# the same shape with spaces (`415 555 0132`, `453 690-4497`), the North American rule that
# neither the area code nor the exchange starts with 0 or 1, and no digit group next to it
# (`12 345 678 9012`)
_NANP_SPACED = re.compile(
    r"(?<![\w+.,-])(?<!\d )(?:1 )?[2-9]\d{2} [2-9]\d{2}[ -]\d{4}(?![\w-]|[.,]\d| \d)"
)
_PHONE_LABEL = re.compile(
    r"\b(?:phone|tel|telephone|call|mobile|cell|text|sms|whatsapp|fax|ph|contact|dial|ring"
    r"|t[ée]l[ée]fono|telefon|t[ée]l[ée]phone|handy|mobil|m[óo]vil|celular|cellulare|portable"
    r"|gsm|anrufen|llamar|llama|appel(?:er|ez)|chiama(?:re|mi)?|bel|ligue|ligar)\b",
    re.IGNORECASE,
)
# `0049 30 ...`: the international prefix most of the world dials instead of `+`, at the start
# of a digit run (`(?<![^\s\w]...` keeps it off the digits inside a number)
_DOUBLE_ZERO = re.compile(r"(?<![\d+().\-/])(?<!\d[ .\-/])00(?=[1-9])")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")  # a run that is an address, not a number
_IPV4_INSIDE = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")  # not 01.23.45.67.89
_DIGIT_GROUPS = re.compile(r"\d+")
_DAY, _MONTH = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
_DATE = re.compile(
    rf"(?:{_DAY}([./-]){_MONTH}|{_MONTH}([./-]){_DAY})(?(1)\1|\2)(?:19|20)?\d{{2}}"
    rf"|(?:19|20)\d{{2}}([./-]){_MONTH}\3{_DAY}"
)


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
        for shape in (_NANP_SHAPE, _NANP_SPACED):
            found.update(PhoneSpan(*m.span()) for m in shape.finditer(text))
    return sorted(found, key=lambda s: (s.start, -s.end))


def _match(text: str, at: int, end: int, regions: Sequence[str]) -> list[tuple[int, int]]:
    """Numbers in `text[at:end]`, offsets relative to `at`. A national number written as bare
    digits (`2147483647`, an order id) needs a label before it (`phone`, `tel`, `call`)."""
    plus, national = _matched(text[at:end].translate(_THIN_SPACES), tuple(regions))
    spans = []
    for start, stop, raw, written_plus, valid in plus:
        if written_plus:
            spans.append((start, stop))
        elif valid and _stands_alone(text, at + start - 1, at + stop, raw):
            spans.append((start - 1, stop))
    for start, stop, raw, grouped in national:
        if (
            _grouped_or_labelled(text, at + start, raw)
            and _stands_alone(text, at + start, at + stop, raw)
            and grouped
        ):
            spans.append((start, stop))
    return spans


_MATCHED_MAX = 50_000  # windows whose matcher results are kept (logs repeat dates and ids)
_Plus = list[tuple[int, int, str, bool, bool]]
_National = list[tuple[int, int, str, bool]]
_matched_cache: dict[tuple[str, tuple[str, ...]], tuple[_Plus, _National]] = {}


def _matched(window: str, regions: tuple[str, ...]) -> tuple[_Plus, _National]:
    """What the matcher finds in `window`, and what about each number depends on it alone,
    kept per window (a log repeats its dates and ids; the matcher costs ~0.3 ms a window):
    `+CC` numbers (start, end, raw, written with a `+`, valid and nationally grouped) and
    national ones per region (start, end, raw, nationally grouped)."""
    key = (window, regions)
    if (hit := _matched_cache.get(key)) is not None:
        return hit
    import phonenumbers

    plus_found: _Plus = []
    national: _National = []
    # `0049 30 1234567` read as `+49 30 1234567` (same length, so the offsets hold); such a
    # number must be valid, not only of a possible length: order ids start with 00 too
    plus = _DOUBLE_ZERO.sub(" +", window)
    if "+" in plus:
        for m in phonenumbers.PhoneNumberMatcher(
            plus, regions[0], leniency=phonenumbers.Leniency.POSSIBLE
        ):
            if not m.raw_string.startswith("+"):
                continue
            written = window[m.start] == "+"
            valid = not written and (
                phonenumbers.is_valid_number(m.number)
                and _grouped_nationally(m.raw_string, m.number, regions[0])
            )
            plus_found.append((m.start, m.end, m.raw_string, written, valid))
    digits = "".join(filter(str.isdigit, window))
    for region in regions:
        if not _may_hold_national(window, digits, region):
            continue
        for m in phonenumbers.PhoneNumberMatcher(
            window, region, leniency=phonenumbers.Leniency.VALID
        ):
            grouped = _grouped_nationally(m.raw_string, m.number, region)
            national.append((m.start, m.end, m.raw_string, grouped))
    if len(_matched_cache) >= _MATCHED_MAX:
        _matched_cache.clear()
    _matched_cache[key] = (plus_found, national)
    return plus_found, national


def _may_hold_national(window: str, digits: str, region: str) -> bool:
    """False only when libphonenumber's matcher (leniency VALID) can find no number of
    `region` in `window` (`digits`: its digits), as most dates and ids of 7 to 9 digits show
    (`2026-04-20`) for the US: such a number, written without `+`, has `region`'s country code
    and a national number made of digits the window holds in a row (after an international
    prefix, the country code or a trunk prefix, which are stripped), valid only when it is a
    whole match of the general pattern of one region with that code. No such pattern nor
    the international prefix anywhere in the digits: no number. Windows this cannot tell
    about go to the matcher: a `+`, digits outside ASCII, three letters or more (a vanity
    number), a region whose trunk prefix rule rewrites digits."""
    if "+" in window or "\uff0b" in window or not digits.isascii():
        return True
    patterns = _national_patterns(region)
    if patterns is None or sum(c.isalpha() for c in window) >= 3:
        return True
    return any(p.search(digits) for p in patterns)


@cache
def _national_patterns(region: str) -> tuple[re.Pattern[str], ...] | None:
    """`region`'s international prefix and the general national-number pattern of every
    region sharing its country code; None when a number's digits cannot be bounded so."""
    import phonenumbers

    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.national_prefix_transform_rule or not metadata.country_code:
        return None
    sources = [metadata.international_prefix]
    for other in phonenumbers.region_codes_for_country_code(metadata.country_code):
        general = getattr(
            phonenumbers.PhoneMetadata.metadata_for_region(other), "general_desc", None
        )
        sources.append(general.national_number_pattern if general else None)
    if not all(sources):
        return None
    return tuple(re.compile(str(source)) for source in sources)


def _grouped_or_labelled(text: str, start: int, raw: str) -> bool:
    return not raw.isdigit() or _labelled(text, start)


def _stands_alone(text: str, start: int, end: int, raw: str) -> bool:
    """Not part of an id (`POL-77-441-2093`, `INV-0612345678`), an SSN in an unclosed
    bracket (`(883-75-7371`), a line that holds an IP address (`02 172.31.72.68`) or a date
    (`02.12.2026`, `2026/12/02`)."""
    if raw.count("(") != raw.count(")") or _IPV4_INSIDE.search(raw) or _DATE.fullmatch(raw):
        return False
    glued_before = start >= 2 and text[start - 1] in "-./_" and text[start - 2].isalnum()
    glued_after = end + 1 < len(text) and text[end] in "-/_" and text[end + 1].isalnum()
    return not (glued_before or glued_after)


def _grouped_nationally(raw: str, number: PhoneNumber, region: str) -> bool:
    """A valid number written as one block, or with its area code (trunk prefix and
    destination code: `030`, `06`, `(11)`, `+49 30`) not run into the digits after it, and
    either a group of its own (the subscriber number grouped any way: `06 1234 5678`,
    `02 234 56 78`) or in libphonenumber's strict grouping (`91 234 56 78`). `2026-448812`
    (a valid Washington number) and `419171/2020` are ids: their first group is no area code."""
    import phonenumbers

    if raw.isdigit():
        return True
    written = _DIGIT_GROUPS.findall(raw)
    if raw.startswith("+"):
        written = written[1:]  # the country code
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    expected = _DIGIT_GROUPS.findall(national)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(
        phonenumbers.region_code_for_number(number) or region
    )
    trunk = (metadata.national_prefix if metadata else None) or ""
    if len(written) > 2 and written[0] == trunk:
        written = written[1:]  # `1-415-555-0132`
    if not written or not expected:
        return False
    first, area = _without(written[0], trunk), _without(expected[0], trunk)
    if len(first) > len(area):
        return False
    return first == area or any(
        True
        for _ in phonenumbers.PhoneNumberMatcher(
            raw, region, leniency=phonenumbers.Leniency.STRICT_GROUPING
        )
    )


def _without(group: str, trunk: str) -> str:
    return group[len(trunk) :] if trunk and group.startswith(trunk) else group


def _labelled(text: str, start: int) -> bool:
    return bool(_PHONE_LABEL.search(text, max(start - 24, 0), start))


def _windows(text: str) -> Iterator[tuple[int, int]]:
    """Spans of text worth handing to the matcher: each digit run of 7 digits or more with
    a character of context either side (the matcher rejects numbers glued to letters)."""
    for run in _DIGIT_RUN.finditer(text):
        value = run.group()
        if sum(map(str.isdigit, value)) < _MIN_DIGITS or _IPV4.fullmatch(value):
            continue
        start, end = run.span()
        if end - start <= _SHORT_RUN:
            yield max(start - 1, 0), min(end + 1, len(text))
            continue
        for offset in range(start, end - _STEP, _STEP):
            yield offset, min(offset + _SLICE, end)
