"""PII detection with Presidio, offline: pattern recognizers (with Luhn and IBAN mod-97
checksums) on a blank spaCy pipeline, or a real spaCy NER model for names and locations when
one is installed. Findings carry entity types and offsets; callers keep types, never values."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from llmops_cli.env import apply_offline_defaults

PATTERN_ENTITIES = (
    "EMAIL_ADDRESS",
    "CREDIT_CARD",
    "IBAN_CODE",
    "PHONE_NUMBER",
    "IP_ADDRESS",
    "US_SSN",
)
NER_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm")
WINDOW, OVERLAP = 8192, 256
# Every pattern entity above needs an "@" (email), seven digits or more (card, IBAN, phone,
# SSN) or an IP address's dots and colons: text with none of them skips the analyzer.
_DIGITS7 = re.compile(r"\d(?:\D{0,40}\d){6}")
_IP_OR_EMAIL = re.compile(
    r"@|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|[0-9A-Fa-f]{0,4}::?[0-9A-Fa-f]{1,4}:"
)


def may_hold_pii(text: str) -> bool:
    """False only when no pattern entity can be in `text` (a fast pre-check)."""
    return bool(_IP_OR_EMAIL.search(text) or _DIGITS7.search(text))


@dataclass(frozen=True, slots=True)
class PiiFinding:
    entity: str
    start: int
    end: int
    score: float


class PiiDetector:
    """One analyzer per process (building it costs ~0.2 s; importing Presidio ~1.2 s)."""

    def __init__(self, score_threshold: float = 0.4) -> None:
        self.score_threshold = score_threshold

    @cached_property
    def ner_model(self) -> str | None:
        return next((m for m in NER_MODELS if importlib.util.find_spec(m)), None)

    @cached_property
    def _analyzer(self) -> Any:
        apply_offline_defaults()  # tldextract must not fetch its suffix list
        import spacy
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            EmailRecognizer,
            IbanRecognizer,
            IpRecognizer,
            PhoneRecognizer,
            SpacyRecognizer,
            UsSsnRecognizer,
        )

        model = self.ner_model

        class _Phone(PhoneRecognizer):
            """Skips texts with fewer than 7 digits (no phone number is shorter): the number
            matcher is most of the cost of a check."""

            def analyze(self, text: str, *args: Any, **kwargs: Any) -> Any:
                if sum(c.isdigit() for c in text) < 7:
                    return []
                return super().analyze(text, *args, **kwargs)

        class _Engine(SpacyNlpEngine):
            """spaCy engine over an installed NER model, or a blank (tokenizer-only) one."""

            def __init__(self) -> None:
                super().__init__(models=[{"lang_code": "en", "model_name": model or "blank"}])
                self.nlp = {"en": spacy.load(model) if model else spacy.blank("en")}  # type: ignore[assignment]

            def load(self) -> None:
                pass

        registry = RecognizerRegistry(supported_languages=["en"])
        recognizers = [
            EmailRecognizer(),
            CreditCardRecognizer(),
            IbanRecognizer(),
            _Phone(leniency=3),  # exact grouping: order ids are not phone numbers
            IpRecognizer(),
            UsSsnRecognizer(),
        ]
        if model:
            recognizers.append(SpacyRecognizer(supported_entities=["PERSON", "LOCATION"]))
        for recognizer in recognizers:
            registry.add_recognizer(recognizer)

        class _NoContext(ContextAwareEnhancer):
            """Context words only raise scores, and the threshold sits at the lowest base
            score (a phone number's 0.4): they never change a verdict here, yet cost ~10%."""

            def __init__(self) -> None:
                super().__init__(0, 0, 0, 0)

            def enhance_using_context(
                self, text: str, raw_results: Any, *args: Any, **kwargs: Any
            ) -> Any:
                return raw_results

        return AnalyzerEngine(
            registry=registry,
            nlp_engine=_Engine(),
            supported_languages=["en"],
            context_aware_enhancer=_NoContext(),
        )

    def find(self, text: str) -> list[PiiFinding]:
        if not self.ner_model and not may_hold_pii(text):
            return []
        # Presidio's context enhancer walks the whole document for every match: long input
        # goes in overlapping windows (a value shorter than the overlap lies whole in one)
        found: set[PiiFinding] = set()
        for offset in range(0, max(len(text) - OVERLAP, 1), WINDOW - OVERLAP):
            part = text[offset : offset + WINDOW]
            if not self.ner_model and not may_hold_pii(part):
                continue
            results = self._analyzer.analyze(
                part, language="en", score_threshold=self.score_threshold
            )
            window = [
                PiiFinding(r.entity_type, r.start + offset, r.end + offset, r.score)
                for r in results
            ]
            # a span inside a stronger finding of another type is that finding (an IP
            # address also parses as a phone number)
            found.update(f for f in window if not any(_inside(f, g) for g in window if g != f))
        return sorted(found, key=lambda f: (f.start, -f.end))

    def redact(self, text: str, findings: list[PiiFinding] | None = None) -> str:
        """Each value replaced by `<ENTITY_TYPE>` (Presidio's anonymizer, default operator)."""
        from presidio_anonymizer import AnonymizerEngine
        from presidio_anonymizer.entities import RecognizerResult

        found = self.find(text) if findings is None else findings
        if not found:
            return text
        results = [RecognizerResult(f.entity, f.start, f.end, f.score) for f in found]
        engine = AnonymizerEngine()  # type: ignore[no-untyped-call]
        return str(engine.anonymize(text=text, analyzer_results=results).text)


@cache
def detector() -> PiiDetector:
    """The process's detector (its analyzer is built once, on first use)."""
    return PiiDetector()


def _inside(a: PiiFinding, b: PiiFinding) -> bool:
    return (
        b.start <= a.start
        and a.end <= b.end
        and (b.score, b.end - b.start) > (a.score, a.end - a.start)
    )
