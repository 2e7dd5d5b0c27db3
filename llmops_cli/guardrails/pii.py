"""PII detection with Presidio, offline: pattern recognizers (with Luhn and IBAN mod-97
checksums) on a blank spaCy pipeline, or a real spaCy NER model for names and locations when
one is installed. URLs and phone numbers come from `pii_shapes` (Presidio's own URL patterns
flag dotted event names; its phone matcher is quadratic on digit soup). Findings carry entity
types and offsets; callers keep types, never values."""

from __future__ import annotations

import importlib.util
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from llmops_cli.env import apply_offline_defaults
from llmops_cli.extras import needed, require

PATTERN_ENTITIES = (
    "EMAIL_ADDRESS",
    "CREDIT_CARD",
    "IBAN_CODE",
    "PHONE_NUMBER",
    "IP_ADDRESS",
    "US_SSN",
    "URL",
)
# national phone formats are read for these regions (llmops.yaml guardrails.pii_regions);
# a number with an explicit +country code is read whatever the region
DEFAULT_REGIONS = ("US",)
PHONE_SCORE = 0.4  # below a checksum-validated card or IBAN, or an IP address, holding it
NER_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm")
WINDOW, OVERLAP = 8192, 256
# Every pattern entity above needs an "@" (email), seven digits or more (card, IBAN, phone,
# SSN), an IP address's dots and colons, or a URL's scheme or www.: text with none of them
# skips the analyzer.
_DIGITS7 = re.compile(r"\d(?:\D{0,40}\d){6}")
_IP_EMAIL_OR_URL = re.compile(
    r"@|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|[0-9A-Fa-f]{0,4}::?[0-9A-Fa-f]{1,4}:|::"
    r"|://|www\d{0,3}\.",
    re.IGNORECASE,
)
# a dotted quad that is a version or a section number, not an address: `v1.2.3.4`,
# `firmware 2.4.10.3`, `chapter 4.2.1.3`, `1.2.3.4.5`
_VERSION_BEFORE = re.compile(
    r"(?:\bv|\b(?:version|ver|release|build|firmware|fw|patch|kernel|sdk|chapter|section"
    r"|sec|clause|rule|step|figure|fig|table|appendix|paragraph)\.?\s?|§\s?|\d\.)$",
    re.IGNORECASE,
)
_VERSION_AFTER = re.compile(r"^\.\d")
_SCP_PATH = re.compile(r":[\w~./-]")
_LOCAL_HOST_HINT = re.compile(r"localhost|127\.|\[::1\]|0\.0\.0\.0", re.IGNORECASE)


def may_hold_pii(text: str) -> bool:
    """False only when no pattern entity can be in `text` (a fast pre-check)."""
    return bool(_IP_EMAIL_OR_URL.search(text) or _DIGITS7.search(text))


@dataclass(frozen=True, slots=True)
class PiiFinding:
    entity: str
    start: int
    end: int
    score: float


class PiiDetector:
    """One analyzer per process and regions (building it costs ~0.2 s; importing Presidio
    ~1.9 s). Without an NER model, the pattern entities are read by `pii_fast` and Presidio
    is never imported (`presidio=True` forces the Presidio analyzer: tests compare the two).
    `regions`: ISO 3166 codes whose national phone formats are read."""

    def __init__(
        self,
        score_threshold: float = 0.4,
        regions: Sequence[str] = DEFAULT_REGIONS,
        presidio: bool = False,
    ) -> None:
        self.score_threshold = score_threshold
        self.regions = tuple(regions) or DEFAULT_REGIONS
        self.presidio = presidio

    @cached_property
    def ner_model(self) -> str | None:
        return next((m for m in NER_MODELS if importlib.util.find_spec(m)), None)

    @cached_property
    def _analyzer(self) -> Any:
        apply_offline_defaults()  # tldextract must not fetch its suffix list
        with needed("guard"):
            from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
            from presidio_analyzer.predefined_recognizers import (
                IbanRecognizer,
                SpacyRecognizer,
            )

            from llmops_cli.guardrails import pii_presidio

        registry = RecognizerRegistry(supported_languages=["en"])
        recognizers = [
            pii_presidio.Email(),
            pii_presidio.Card(),
            IbanRecognizer(),
            pii_presidio.Ip(),
            pii_presidio.Ssn(),
            pii_presidio.SsnAfterLabel(),
            pii_presidio.Url(),
        ]
        if self.ner_model:
            recognizers.append(SpacyRecognizer(supported_entities=["PERSON", "LOCATION"]))
        for recognizer in recognizers:
            registry.add_recognizer(recognizer)
        return AnalyzerEngine(
            registry=registry,
            nlp_engine=pii_presidio.engine(self.ner_model),
            supported_languages=["en"],
            context_aware_enhancer=pii_presidio.NoContext(),
        )

    @cached_property
    def _no_tokens(self) -> Any:
        """NLP artifacts for texts without an NER model: no recognizer here reads tokens,
        so the blank pipeline need not tokenize each text."""
        return self._analyzer.nlp_engine.process_text("", "en")

    def find(self, text: str) -> list[PiiFinding]:
        return self.find_many([text])[0]

    def find_many(self, texts: Sequence[str]) -> list[list[PiiFinding]]:
        """Findings per text. Texts that cannot hold a pattern entity are skipped; with an
        NER model, the short ones go through spaCy together (`nlp.pipe`)."""
        out: list[list[PiiFinding]] = [[] for _ in texts]
        if self.ner_model:
            short = [i for i, t in enumerate(texts) if len(t) <= WINDOW]
            docs = self._analyzer.nlp_engine.process_batch([texts[i] for i in short], "en")
            for i, (_, artifacts) in zip(short, docs, strict=True):
                out[i] = self._find_in(texts[i], artifacts)
            todo = [i for i, t in enumerate(texts) if len(t) > WINDOW]
        else:
            todo = [i for i, t in enumerate(texts) if may_hold_pii(t)]
        for i in todo:
            out[i] = self._find_in(texts[i], checked=not self.ner_model)
        return out

    def _find_in(self, text: str, artifacts: Any = None, checked: bool = False) -> list[PiiFinding]:
        """`artifacts`: spaCy's reading of `text` when already made (a short text only);
        `checked`: `may_hold_pii(text)` is known to hold (a text of one window skips it)."""
        from llmops_cli.guardrails.pii_shapes import find_phones

        # Presidio's context enhancer walks the whole document for every match: long input
        # goes in overlapping windows (a value shorter than the overlap lies whole in one)
        found: set[PiiFinding] = set()
        for offset in range(0, max(len(text) - OVERLAP, 1), WINDOW - OVERLAP):
            part = text[offset : offset + WINDOW]
            whole = checked and len(part) == len(text)
            if not self.ner_model and not whole and not may_hold_pii(part):
                continue
            if not (self.ner_model or self.presidio):
                from llmops_cli.guardrails.pii_fast import analyze

                found.update(
                    PiiFinding(entity, start + offset, end + offset, score)
                    for entity, start, end, score in analyze(part, self.score_threshold)
                )
                continue
            results = self._analyzer.analyze(
                part,
                language="en",
                score_threshold=self.score_threshold,
                nlp_artifacts=artifacts or (None if self.ner_model else self._no_tokens),
            )
            found.update(
                PiiFinding(r.entity_type, r.start + offset, r.end + offset, r.score)
                for r in results
            )
        # phones over the whole text at once: the matcher's work budget is per text
        found.update(
            PiiFinding("PHONE_NUMBER", p.start, p.end, PHONE_SCORE)
            for p in find_phones(text, self.regions)
        )
        return _kept(text, sorted(found, key=lambda f: (f.start, -f.end)))

    def redact(self, text: str, findings: list[PiiFinding] | None = None) -> str:
        """Each value replaced by `<ENTITY_TYPE>`, as Presidio's anonymizer does with its
        default operator (`replace_spans`), without importing it (~2 s cold: it pulls in
        the analyzer and spaCy)."""
        require("guard")  # the contract of the extras (docs/DECISIONS.md), as before
        found = self.find(text) if findings is None else findings
        return replace_spans(text, found) if found else text


def replace_spans(text: str, found: Sequence[PiiFinding]) -> str:
    """`text` with each finding replaced by `<ENTITY>`, overlaps resolved as Presidio's
    anonymizer resolves them by default: spans of one type that overlap become their union,
    a span inside another (or equal to a stronger one) goes, and spans of one type with only
    spaces between become one. Where Presidio would leave two types overlapping (and write
    both replacements over each other), the weaker is cut back to where the stronger is not."""
    # [start, end, entity, score], mutable: merging and cutting back change the bounds
    spans: list[list[Any]] = sorted(
        ([f.start, f.end, f.entity, f.score] for f in found if f.end > f.start),
        key=lambda s: (s[0], -s[1]),
    )
    kept: list[list[Any]] = []
    last: dict[str, list[Any]] = {}  # per type, the kept span reaching furthest (the latest)
    for span in spans:
        prev = last.get(span[2])
        if prev is not None and span[0] < prev[1]:  # the same type, overlapping: the union
            prev[1], prev[3] = max(prev[1], span[1]), max(prev[3], span[3])
        else:
            kept.append(span)
            last[span[2]] = span
    out: list[list[Any]] = []
    for span in kept:  # sorted by start, longest first
        if out and span[1] <= out[-1][1]:
            continue  # inside the previous one (Presidio: contained results drop)
        if out and span[0] < out[-1][1]:  # two types overlap: the weaker gives way
            prev = out[-1]
            if (span[3], span[1] - span[0]) > (prev[3], prev[1] - prev[0]):
                prev[1] = span[0]
                if prev[1] <= prev[0]:
                    out.pop()
            else:
                span[0] = prev[1]
        if out and out[-1][2] == span[2] and text[out[-1][1] : span[0]].strip(" ") == "":
            out[-1][1] = span[1]  # one type, only spaces between: one value
            continue
        out.append(span)
    parts, at = [], 0
    for start, end, entity, _ in out:
        parts += [text[at:start], f"<{entity}>"]
        at = end
    parts.append(text[at:])
    return "".join(parts)


@cache
def detector(regions: tuple[str, ...] = DEFAULT_REGIONS) -> PiiDetector:
    """The process's detector for `regions` (its analyzer is built once, on first use)."""
    return PiiDetector(regions=regions)


def _kept(text: str, found: list[PiiFinding]) -> list[PiiFinding]:
    """The findings that stand, from `found` sorted by (start, -end): a span inside a
    stronger finding of another type is that finding (an IP address also parses as a phone
    number, a URL holds its host's address); a dotted quad that reads as a version is no
    address, nor a login in a URL or an SSH remote a mailbox; loopback and unspecified
    addresses, and anything inside a URL to such a host, are no one's data and stay readable
    in connection errors (`http://127.0.0.1:8080/v1`, `host='::1'`)."""
    kept = _outermost(found)
    kept = [
        f
        for f in kept
        if not (f.entity == "IP_ADDRESS" and (_version_like(text, f) or _local_ip(text, f)))
    ]
    urls = [f for f in kept if f.entity == "URL"]
    kept = [f for f in kept if not (f.entity == "EMAIL_ADDRESS" and _not_a_mailbox(text, f, urls))]
    if _LOCAL_HOST_HINT.search(text):
        from llmops_cli.guardrails.pii_shapes import find_urls

        local = [u for u in find_urls(text) if u.loopback]
        kept = [f for f in kept if not any(u.start < f.end and f.start < u.end for u in local)]
    return kept


def _outermost(found: list[PiiFinding]) -> list[PiiFinding]:
    """`found` (sorted by start, then longest first) without the spans inside a stronger
    one; a sweep, so a text with thousands of findings stays linear."""
    kept, open_spans = [], list[PiiFinding]()
    for i, f in enumerate(found):
        open_spans = [g for g in open_spans if g.end > f.start]
        if not any(_inside(f, g) for g in itertools.chain(open_spans, _same_start(found, i))):
            kept.append(f)
        open_spans.append(f)
    return kept


def _same_start(found: list[PiiFinding], i: int) -> Iterator[PiiFinding]:
    """The findings after `found[i]` that start where it starts."""
    j = i + 1  # indexing, not islice: islice would walk from the list's head each time
    while j < len(found) and found[j].start == found[i].start:
        yield found[j]
        j += 1


def _not_a_mailbox(text: str, f: PiiFinding, urls: list[PiiFinding]) -> bool:
    """`git@github.com:org/repo` is an SSH remote; `https://user:pw@host/` holds a login."""
    if _SCP_PATH.match(text, f.end):
        return True
    return any(
        u.start <= f.start < u.end and "/" not in text[text.find("://", u.start) + 3 : f.start]
        for u in urls
    )


def _local_ip(text: str, f: PiiFinding) -> bool:
    from llmops_cli.guardrails.pii_shapes import is_local_host

    return is_local_host(text[f.start : f.end].split("/")[0])


def _version_like(text: str, f: PiiFinding) -> bool:
    before = text[max(f.start - 12, 0) : f.start]
    return bool(_VERSION_BEFORE.search(before) or _VERSION_AFTER.match(text[f.end : f.end + 2]))


def _inside(a: PiiFinding, b: PiiFinding) -> bool:
    return (
        b.start <= a.start
        and a.end <= b.end
        and (b.score, b.end - b.start) > (a.score, a.end - a.start)
    )
