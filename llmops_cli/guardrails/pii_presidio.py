"""Presidio parts of the PII detector: recognizers that widen or replace Presidio's own
(imported only when the analyzer is built: Presidio costs ~1.2 s to import)."""

from __future__ import annotations

import re
from typing import Any

import spacy
from presidio_analyzer import LocalRecognizer, Pattern, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    UsSsnRecognizer,
)

from llmops_cli.guardrails.pii_fast import _SSN_LABELLED as _SSN_LABELLED_PATTERN
from llmops_cli.guardrails.pii_fast import _ips
from llmops_cli.guardrails.pii_shapes import find_urls

# the TLDs RFC 2606 / 6761 reserve for examples and local names: not in the public-suffix
# list, yet `jane@example.test` is an address all the same
_RESERVED_TLDS = frozenset({"test", "example", "invalid", "local", "localhost", "internal"})
_SAMPLE_SSNS = frozenset({"123456789", "078051120"})
_SSN_LABELLED = re.compile(_SSN_LABELLED_PATTERN, re.IGNORECASE)


class Email(EmailRecognizer):
    """Presidio's email pattern, its domain checked against the bundled public-suffix list
    (offline) or a reserved TLD."""

    def validate_result(self, pattern_text: str) -> bool:
        tld = pattern_text.rsplit(".", 1)[-1].lower()
        return tld in _RESERVED_TLDS or bool(super().validate_result(pattern_text))


class Card(CreditCardRecognizer):
    """Luhn-checked card numbers of the real networks' prefixes: Visa 4, Mastercard 51-55
    and 2221-2720, Amex 34/37 (4-6-5 grouping too), Discover and UnionPay 6, JCB and Diners
    3 (Diners 4-6-4 too). Presidio's `1xxx` (UATP) prefix is left out: it mostly matches
    order numbers. A `+` before the digits makes them a phone number (`+4915112345678`)."""

    PATTERNS = [  # noqa: RUF012 (Presidio's own attribute)
        Pattern(
            "card 4-4-4-4",
            r"(?<!\+)\b(?:4\d{3}|5[0-5]\d{2}|2[2-7]\d{2}|6\d{3}|3\d{3})"
            r"[- ]?\d{3,4}[- ]?\d{3,4}[- ]?\d{3,5}\b",
            0.3,
        ),
        Pattern("amex 4-6-5", r"(?<!\+)\b3[47]\d{2}[- ]?\d{6}[- ]?\d{5}\b", 0.3),
        Pattern("diners 4-6-4", r"(?<!\+)\b3[068]\d{2}[- ]?\d{6}[- ]?\d{4}\b", 0.3),
    ]

    def __init__(self) -> None:
        super().__init__(patterns=self.PATTERNS)

    def validate_result(self, pattern_text: str) -> bool:
        digits = "".join(c for c in pattern_text if c.isdigit())
        if digits[0] == "2" and not 2221 <= int(digits[:4]) <= 2720:
            return False  # the 2-series outside Mastercard's range is no card network
        return bool(super().validate_result(pattern_text))


class Ssn(UsSsnRecognizer):
    """Presidio's SSN patterns, without its refusal of the well-known sample numbers
    (`123-45-6789`): written into a form, they are what someone typed as their SSN."""

    def invalidate_result(self, pattern_text: str) -> bool:
        digits = "".join(c for c in pattern_text if c.isdigit())
        if digits in _SAMPLE_SSNS and len(set(c for c in pattern_text if not c.isdigit())) <= 1:
            return False
        if digits[:1] == "9":  # area 900-999 is never issued (pii_fast._ssn_invalid)
            return True
        return bool(super().invalidate_result(pattern_text))


class SsnAfterLabel(LocalRecognizer):
    """Nine digits with no separators right after an `SSN` / `social security number`
    label (Presidio scores bare nine-digit runs far below the threshold)."""

    def __init__(self) -> None:
        self._checks = Ssn()
        super().__init__(supported_entities=["US_SSN"], supported_language="en")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: Any, nlp_artifacts: Any = None) -> Any:
        return [
            RecognizerResult("US_SSN", m.start(1), m.end(1), 0.5)
            for m in _SSN_LABELLED.finditer(text)
            if not self._checks.invalidate_result(m.group(1))
        ]


class Url(LocalRecognizer):
    """URLs with a scheme or a `www.` host, loopback hosts left alone (`pii_shapes`)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["URL"], supported_language="en")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: Any, nlp_artifacts: Any = None) -> Any:
        return [
            RecognizerResult("URL", u.start, u.end, 0.6) for u in find_urls(text) if not u.loopback
        ]


class Ip(LocalRecognizer):
    """IPv4 and IPv6 addresses by `pii_fast`'s patterns, `ipaddress` deciding (Presidio's
    `IpRecognizer` misses an address a sentence's colon follows: `for fd12:3456::42: country`)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["IP_ADDRESS"], supported_language="en")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: Any, nlp_artifacts: Any = None) -> Any:
        return [RecognizerResult(entity, a, b, score) for entity, a, b, score in _ips(text)]


class NoContext(ContextAwareEnhancer):
    """Context words only raise scores, and the threshold sits at the lowest base score (a
    phone number's 0.4): they never change a verdict here, yet cost ~10%."""

    def __init__(self) -> None:
        super().__init__(0, 0, 0, 0)

    def enhance_using_context(self, text: str, raw_results: Any, *args: Any, **kwargs: Any) -> Any:
        return raw_results


def engine(model: str | None) -> Any:
    """spaCy engine over an installed NER model, or a blank (tokenizer-only) one."""

    class _Engine(SpacyNlpEngine):
        def __init__(self) -> None:
            super().__init__(models=[{"lang_code": "en", "model_name": model or "blank"}])
            self.nlp = {"en": spacy.load(model) if model else spacy.blank("en")}  # type: ignore[assignment]

        def load(self) -> None:
            pass

    return _Engine()
