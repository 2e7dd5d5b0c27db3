"""The pattern entities without Presidio: the same recognizers `PiiDetector` registers with
Presidio (email, card, IBAN, IP address, SSN, labelled SSN, URL), their patterns, checksums
and scores, and Presidio's threshold and de-duplication, in plain `re`. Importing Presidio
and spaCy costs ~1.9 CPU-s a process and building the analyzer ~0.3 s; with no NER model
installed nothing of Presidio is needed, so `llmops guard` never pays for it.

tests/test_pii.py checks that this finds exactly what the Presidio analyzer finds on every
PII corpus in the repository.
"""

from __future__ import annotations

import ipaddress
import re
import string
from functools import cache
from itertools import groupby

from llmops_cli.guardrails import pii_patterns
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
_SSN_LABELLED = r"\b(?:ssn|social security(?: number| no\.?| #)?)\W{0,4}(\d{9})\b"  # pii_presidio
_SAMPLE_SSNS = frozenset({"123456789", "078051120"})
_RESERVED_TLDS = frozenset({"test", "example", "invalid", "local", "localhost", "internal"})
# what each of pii_patterns.IP's forms holds: IPv4-mapped and unspecified "::", IPv4-embedded
# and IPv6 a colon, IPv4 dots
_IP_NEEDS = ("::", ":", ".", ":", "::")
_LETTERS = {ord(d): str(i) for i, d in enumerate(string.digits + string.ascii_uppercase)}


@cache
def _compiled() -> dict[str, re.Pattern[str]]:
    return {
        "email": re.compile(pii_patterns.EMAIL, _FLAGS),
        "iban": re.compile(pii_patterns.IBAN, re.DOTALL | re.MULTILINE),
        "ssn": re.compile(_SSN, _FLAGS),
        "ssn_labelled": re.compile(_SSN_LABELLED, re.IGNORECASE),
        **{f"card{i}": re.compile(p, _FLAGS) for i, p in enumerate(_CARDS)},
        **{f"ip{i}": re.compile(p, _FLAGS) for i, (p, _) in enumerate(pii_patterns.IP)},
    }


@cache
def _iban_formats() -> dict[str, re.Pattern[str]]:
    flags = re.DOTALL | re.MULTILINE
    return {code: re.compile(p, flags) for code, p in pii_patterns.IBAN_PER_COUNTRY.items()}


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
    """Presidio's check (tldextract finds a registrable domain, offline), or a reserved TLD."""
    if value.rsplit(".", 1)[-1].lower() in _RESERVED_TLDS:
        return True
    from llmops_cli.env import apply_offline_defaults

    apply_offline_defaults()  # tldextract must not fetch its suffix list
    import tldextract

    return bool(tldextract.extract(value).fqdn != "")


def _luhn(digits: str) -> bool:
    total = sum(int(d) for d in digits[-1::-2])
    total += sum(sum(divmod(int(d) * 2, 10)) for d in digits[-2::-2])
    return total % 10 == 0


def _cards(text: str) -> list[Result]:
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
    """Presidio's IBAN recognizer: for each match, the longest of its group endings whose
    checksum (mod 97) and country format hold (1.0), or whose checksum holds in a format
    that only matches upper-cased (0.5)."""
    out = []
    for m in _compiled()["iban"].finditer(text):
        for group in reversed(range(1, len(m.groups()) + 1)):
            start = m.start()
            end = m.end(group) if m.end(group) > 0 else m.end()
            if not (value := text[start:end]):
                continue
            verdict = _iban_valid(value)
            if verdict is not False:
                out.append(("IBAN_CODE", start, end, MAX_SCORE if verdict else 0.5))
                break
    return out


def _iban_valid(value: str) -> bool | None:
    iban = value.replace("-", "").replace(" ", "")
    moved = (iban[:2] + "00" + iban[4:]).upper()
    number = (moved[4:] + moved[:4]).translate(_LETTERS)
    try:
        if f"{98 - (int(number) % 97):0>2}" != iban[2:4]:
            return False
    except ValueError:
        return False
    formats = _iban_formats()
    if (fmt := formats.get(iban[:2])) is not None and fmt.match(iban):
        return True
    if (fmt := formats.get(iban[:2].upper())) is not None and fmt.match(iban.upper()):
        return None
    return False


def _ips(text: str) -> list[Result]:
    out = []
    for i, ((_, score), needs) in enumerate(zip(pii_patterns.IP, _IP_NEEDS, strict=True)):
        if needs not in text:
            continue  # a pattern cannot match text without the characters its forms hold
        for m in _compiled()[f"ip{i}"].finditer(text):
            if not m.group():
                continue
            try:
                ipaddress.ip_interface(m.group())
            except ValueError:
                continue
            out.append(("IP_ADDRESS", m.start(), m.end(), score))
    return out


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
