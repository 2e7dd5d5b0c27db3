"""The pattern entities without Presidio: the same recognizers `PiiDetector` registers with
Presidio (email, card, IBAN, IP address, SSN, labelled SSN, URL), their patterns, checksums
and scores, and Presidio's threshold and de-duplication, in plain `re`. Importing Presidio
and spaCy costs ~1.9 CPU-s a process and building the analyzer ~0.3 s; with no NER model
installed nothing of Presidio is needed, so `llmops guard` never pays for it.

tests/test_pii.py checks that this finds exactly what the Presidio analyzer finds on every
PII corpus in the repository. The email, IBAN and IP patterns are llmops' own, written from
the standards (RFC 5321/5322 addresses and RFC 1035 labels, ISO 13616 lengths and mod 97,
`ipaddress` for every IP form); each pattern's work per start position is bounded, so every
one runs in time linear in the text (tests/test_pii.py measures it).
"""

from __future__ import annotations

import ipaddress
import re
import string
from functools import cache
from itertools import groupby

from llmops_cli.guardrails.pii_shapes import find_urls

Result = tuple[str, int, int, float]  # entity, start, end, score
MAX_SCORE = 1.0
_FLAGS = re.DOTALL | re.MULTILINE | re.IGNORECASE  # Presidio's default for pattern recognizers
_CARDS = (  # pii_presidio.Card
    r"(?<!\+)\b(?:4\d{3}|5[0-5]\d{2}|2[2-7]\d{2}|6\d{3}|3\d{3})"
    r"[- ]?\d{3,4}[- ]?\d{3,4}[- ]?\d{3,5}\b",
    r"(?<!\+)\b3[47]\d{2}[- ]?\d{6}[- ]?\d{5}\b",
    r"(?<!\+)\b3[068]\d{2}[- ]?\d{6}[- ]?\d{4}\b",
)
_SSN = r"\b([0-9]{3})[- .]([0-9]{2})[- .]([0-9]{4})\b"  # the only SSN pattern above 0.4
# the label, then up to two linking words ("SSN to 305...", "SSN on file is 305..."), then nine
# digits (pii_presidio's pattern had the label right before the number)
_SSN_LABELLED = (
    r"\b(?:ssn|social security(?: number| no\.?| #)?)\W{0,4}(?:(?:is|to|was|of|on file|"
    r"reads|becomes|now|should be)\W{1,4}){0,2}(\d{9})\b"
)
_SAMPLE_SSNS = frozenset({"123456789", "078051120"})
_RESERVED_TLDS = frozenset({"test", "example", "invalid", "local", "localhost", "internal"})
_ATEXT = r"[\w!#$%&'*+/=?^`{|}~-]"  # RFC 5322 atext; \w for RFC 6531's UTF-8 letters
_LABEL = r"\w{1,63}(?:-+\w{1,63})*"  # an RFC 1035 label (letters, digits, inner hyphens)
# dot-atom local part of at most 64 characters (RFC 5321), then a domain of two labels or more
_EMAIL = (
    rf"\b(?=[\w!#$%&'*+/=?^`{{|}}~.-]{{1,64}}@){_ATEXT}+(?:\.{_ATEXT}+)*@{_LABEL}(?:\.{_LABEL})+\b"
)
# a country code, two check digits, then up to 30 letters or digits in groups separated by
# one space or hyphen; the country's registered length picks the end (`_iban_end`)
_IBAN = r"(?<![A-Z0-9])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){8,30}"
_IPV4 = r"\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?\b"
# up to eight colon-ended hex groups (empty ones for "::"), a last group or an embedded IPv4
# address, a zone id and a prefix length; `ipaddress` decides which of these are addresses
_IPV6 = (
    r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,8}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?"
    r"(?:%[0-9A-Za-z]+)?(?:/\d{1,3})?(?!\w|:[\w:]|\.\d)"
)
# ISO 13616 IBAN registry: each country's IBAN length
_IBAN_LENGTHS = {
    **dict.fromkeys(("NO",), 15),
    **dict.fromkeys(("BE",), 16),
    **dict.fromkeys(("DK", "FI", "FK", "FO", "GL", "NL", "SD"), 18),
    **dict.fromkeys(("MK", "SI"), 19),
    **dict.fromkeys(("AT", "BA", "EE", "KZ", "LT", "LU", "MN", "XK"), 20),
    **dict.fromkeys(("CH", "HR", "LI", "LV"), 21),
    **dict.fromkeys(("BG", "BH", "CR", "DE", "GB", "GE", "IE", "ME", "RS", "VA"), 22),
    **dict.fromkeys(("AE", "GI", "IL", "IQ", "OM", "SO", "TL"), 23),
    **dict.fromkeys(("AD", "CZ", "ES", "MD", "PK", "RO", "SA", "SE", "SK", "TN", "VG"), 24),
    **dict.fromkeys(("LY", "PT", "ST"), 25),
    **dict.fromkeys(("IS", "TR"), 26),
    **dict.fromkeys(("BI", "DJ", "FR", "GR", "IT", "MC", "MR", "SM"), 27),
    **dict.fromkeys(("AL", "AZ", "BY", "CY", "DO", "GT", "HN", "HU", "LB", "NI", "PL", "SV"), 28),
    **dict.fromkeys(("BR", "EG", "PS", "QA", "UA"), 29),
    **dict.fromkeys(("JO", "KW", "MU", "YE"), 30),
    **dict.fromkeys(("MT", "SC"), 31),
    **dict.fromkeys(("LC",), 32),
    **dict.fromkeys(("RU",), 33),
}
_UPPER_ALNUM = frozenset(string.digits + string.ascii_uppercase)
_LETTERS = {ord(d): str(i) for i, d in enumerate(string.digits + string.ascii_uppercase)}


@cache
def _compiled() -> dict[str, re.Pattern[str]]:
    return {
        "email": re.compile(_EMAIL, _FLAGS),
        "iban": re.compile(_IBAN),
        "ipv4": re.compile(_IPV4),
        "ipv6": re.compile(_IPV6),
        "ssn": re.compile(_SSN, _FLAGS),
        "ssn_labelled": re.compile(_SSN_LABELLED, re.IGNORECASE),
        **{f"card{i}": re.compile(p, _FLAGS) for i, p in enumerate(_CARDS)},
    }


def analyze(text: str, threshold: float = 0.4) -> list[Result]:
    """What the analyzer `PiiDetector` builds returns for `text` (no NER model)."""
    found = _emails(text) + _cards(text) + _ibans(text) + _ips(text)
    found += _ssns(text) + _labelled_ssns(text)
    found += [("URL", u.start, u.end, 0.6) for u in find_urls(text) if not u.loopback]
    # (Presidio also de-duplicates per recognizer before the threshold: one recognizer per
    # entity type here, so once after it gives the same results)
    return _dedupe([r for r in found if r[3] >= threshold])


def _dedupe(results: list[Result]) -> list[Result]:
    """Presidio's `remove_duplicates`: a result inside another of its type with an equal or
    higher score goes."""
    ordered = sorted(set(results), key=lambda r: (r[0], r[1], -(r[2] - r[1]), -r[3]))
    kept: list[Result] = []
    for _, group in groupby(ordered, key=lambda r: r[0]):
        active: list[Result] = []
        for r in group:
            if r[3] == 0:
                continue
            active = [a for a in active if a[2] >= r[1]]
            if not any(a[1] <= r[1] and r[2] <= a[2] and r[3] <= a[3] for a in active):
                kept.append(r)
                active.append(r)
    return kept


def _emails(text: str) -> list[Result]:
    if "@" not in text:
        return []
    return [
        ("EMAIL_ADDRESS", m.start(), m.end(), MAX_SCORE)
        for m in _compiled()["email"].finditer(text)
        if m.group() and _email_domain_ok(m.group())
    ]


def _email_domain_ok(value: str) -> bool:
    """Presidio's check (tldextract finds a registrable domain, offline), or a reserved TLD.
    Common top-level domains are decided from `_SUFFIXES` without tldextract (importing it
    and reading its suffix list cost ~0.2 CPU-s a process)."""
    if value.rsplit(".", 1)[-1].lower() in _RESERVED_TLDS:
        return True
    from llmops_cli.env import apply_offline_defaults

    apply_offline_defaults()  # tldextract must not fetch its suffix list
    if (known := _registrable_by_table(value)) is not None:
        return known
    import tldextract

    return bool(tldextract.extract(value).fqdn != "")


# ICANN public suffixes under some common top-level domains, as in tldextract's bundled
# snapshot (tests/test_pii.py checks each entry against it): the top-level domain, then the
# second-level suffixes under it, none of which has a suffix below it
_SUFFIXES = {
    **dict.fromkeys(
        ("com", "net", "org", "de", "app", "eu", "nl", "info", "biz", "ch", "dk", "ru", "edu"),
        frozenset[str](),
    ),
    **dict.fromkeys(("gov", "dev", "tv", "cc"), frozenset[str]()),
    "io": frozenset(("co", "com", "edu", "gov", "mil", "net", "nom", "org")),
    "fr": frozenset(
        ("asso", "avoues", "cci", "com", "gouv", "greta", "huissier-justice", "nom", "prd", "tm")
    ),
    "co": frozenset(("com", "edu", "gov", "mil", "net", "nom", "org")),
    "es": frozenset(("com", "edu", "gob", "nom", "org")),
    "be": frozenset(("ac",)),
    "fi": frozenset(("aland",)),
    "ai": frozenset(("com", "net", "off", "org")),
    "me": frozenset(("ac", "co", "edu", "gov", "its", "net", "org", "priv")),
}


def _registrable_by_table(value: str) -> bool | None:
    """What `tldextract.extract(value).fqdn != ""` says, with the bundled suffix list, for an
    address whose host is ASCII and whose top-level domain `_SUFFIXES` holds; None when the
    table cannot tell (another TLD, punycode, a suffix list other than the snapshot, or
    characters that make tldextract read the address as a URL: `/`, `?`, `#`)."""
    from os import environ

    host = value.rpartition("@")[2].lower()
    if environ.get("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "").strip() or not host.isascii():
        return None
    if any(c in value for c in "/?#") or "xn--" in host:
        return None
    labels = host.split(".")
    below = _SUFFIXES.get(labels[-1])
    if below is None:
        return None
    # the public suffix is the TLD, or the TLD and the label before it when that is a rule;
    # a registrable domain needs one label more
    suffix = 2 if len(labels) >= 2 and labels[-2] in below else 1
    return len(labels) > suffix


def _luhn(digits: str) -> bool:
    total = sum(int(d) for d in digits[-1::-2])
    total += sum(sum(divmod(int(d) * 2, 10)) for d in digits[-2::-2])
    return total % 10 == 0


# 13 digits or more, at most one space or hyphen between two: what every card pattern holds
_CARD_DIGITS = re.compile(r"\d(?:[- ]?\d){12}")


def _cards(text: str) -> list[Result]:
    if not _CARD_DIGITS.search(text):
        return []
    out = []
    for i in range(len(_CARDS)):
        for m in _compiled()[f"card{i}"].finditer(text):
            digits = m.group().replace("-", "").replace(" ", "")
            if digits[0] == "2" and not 2221 <= int(digits[:4]) <= 2720:
                continue
            if _luhn(digits):
                out.append(("CREDIT_CARD", m.start(), m.end(), MAX_SCORE))
    return out


def _ibans(text: str) -> list[Result]:
    """Each IBAN: a candidate cut at its country's registered length, where the text goes
    on with a separator or no letter or digit, whose mod-97 check holds. After a rejected
    candidate the search resumes one character on, so IBANs written back to back are found."""
    out, pattern, pos = [], _compiled()["iban"], 0
    while m := pattern.search(text, pos):
        end = _iban_end(text, m)
        if end is None:
            pos = m.start() + 1
            continue
        out.append(("IBAN_CODE", m.start(), end, MAX_SCORE))
        pos = end
    return out


def _iban_end(text: str, m: re.Match[str]) -> int | None:
    """Where the IBAN starting at `m` ends, or None if it is none."""
    length = _IBAN_LENGTHS.get(m.group()[:2])
    compact = m.group().replace(" ", "").replace("-", "")
    if length is None or len(compact) < length or not _mod97_ok(compact[:length]):
        return None
    end, seen = m.start(), 0
    while seen < length:  # the offset of the `length`-th letter or digit
        seen += text[end] not in " -"
        end += 1
    if end < len(text) and text[end] in _UPPER_ALNUM:
        return None  # the candidate goes on without a separator: a longer code
    return end


def _mod97_ok(iban: str) -> bool:
    """ISO 13616: the country code and check digits moved to the end, letters as 10..35,
    the number is 1 modulo 97."""
    return int((iban[4:] + iban[:4]).translate(_LETTERS)) % 97 == 1


def _ips(text: str) -> list[Result]:
    out = []
    for kind, needs in (("ipv4", "."), ("ipv6", ":")):
        if needs not in text:
            continue  # a pattern cannot match text without the characters its forms hold
        for m in _compiled()[kind].finditer(text):
            if (end := _ip_end(m.group())) is not None:
                # the unspecified address "::" alone says nothing about anyone
                score = 0.1 if m.group()[:end].split("/")[0] == "::" else 0.6
                out.append(("IP_ADDRESS", m.start(), m.start() + end, score))
    return out


def _ip_end(value: str) -> int | None:
    """How much of `value` is an IP address (with its prefix length when that is valid,
    without it when not; without a colon of the sentence after it: `for fd12::42: country`),
    or None."""
    unpunctuated = value[:-1] if value.endswith(":") and not value.endswith("::") else value
    for candidate in (value, value.split("/")[0], unpunctuated):
        try:
            ipaddress.ip_interface(candidate)
        except ValueError:
            continue
        return len(candidate)
    return None


def _ssn_invalid(value: str) -> bool:
    """Presidio's `UsSsnRecognizer.invalidate_result`, the sample numbers typed into a form
    allowed (pii_presidio.Ssn)."""
    digits = "".join(c for c in value if c.isdigit())
    if digits in _SAMPLE_SSNS and len({c for c in value if not c.isdigit()}) <= 1:
        return False
    if len({c for c in value if c in ".- "}) > 1 or len(set(digits)) == 1:
        return True
    if digits[3:5] == "00" or digits[5:] == "0000" or digits[:3] in ("000", "666"):
        return True
    if digits[0] == "9":  # the SSA never issues area 900-999 (ITINs and test numbers live there)
        return True
    return digits in ("123456789", "987654320", "078051120")


def _ssns(text: str) -> list[Result]:
    return [
        ("US_SSN", m.start(), m.end(), 0.5)
        for m in _compiled()["ssn"].finditer(text)
        if not _ssn_invalid(m.group())
    ]


def _labelled_ssns(text: str) -> list[Result]:
    return [
        ("US_SSN", m.start(1), m.end(1), 0.5)
        for m in _compiled()["ssn_labelled"].finditer(text)
        if not _ssn_invalid(m.group(1))
    ]
