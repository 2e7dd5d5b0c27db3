"""Run the guardrail checks over texts: what `llmops guard` runs, a batch at a time (the
toxicity classifier costs far less per text on a batch)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from llmops_cli.guardrails.injection import detect_many
from llmops_cli.guardrails.injection_rules import RULE_PACK
from llmops_cli.guardrails.pii import DEFAULT_REGIONS, detector
from llmops_cli.guardrails.toxicity import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    from llmops_cli.guardrails.classifier import Classify

CHECKS = ("pii", "injection", "toxicity")
SEEN_MAX = 20_000  # reports kept for repeated texts


@dataclass(frozen=True)
class GuardReport:
    """Findings for one text: entity types and rule ids only, never the matched values."""

    pii: dict[str, int] = field(default_factory=dict)  # entity type -> count
    injection: list[dict[str, str | float]] = field(default_factory=list)  # layer, rule, ...
    toxicity: float | None = None  # probability; None when not checked
    toxicity_threshold: float = DEFAULT_THRESHOLD

    @property
    def flagged(self) -> list[str]:
        toxic = self.toxicity is not None and self.toxicity >= self.toxicity_threshold
        return [
            c
            for c, hit in (("pii", self.pii), ("injection", self.injection), ("toxicity", toxic))
            if hit
        ]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "flagged": self.flagged,
            "pii": self.pii,
            "injection": self.injection,
            "rule_pack": RULE_PACK,
        }
        if self.toxicity is not None:
            out["toxicity"] = round(self.toxicity, 4)
        return out


class Guard:
    def __init__(
        self,
        checks: Sequence[str] = CHECKS,
        toxicity_threshold: float = DEFAULT_THRESHOLD,
        classifier: Classify | None = None,
        regions: Sequence[str] = DEFAULT_REGIONS,
    ) -> None:
        unknown = set(checks) - set(CHECKS)
        if unknown:
            from llmops_cli.errors import LlmopsError

            raise LlmopsError(
                f"unknown check {sorted(unknown)[0]!r}; choose from {', '.join(CHECKS)}"
            )
        self.checks = tuple(checks)
        self.toxicity_threshold = toxicity_threshold
        self.classifier = classifier if "injection" in checks else None
        self.classifier_failures = 0  # texts the classifier could not label (call failed)
        self.pii = detector(tuple(regions))  # national phone formats of these regions
        self._seen: dict[str, GuardReport] = {}  # text -> its report, for repeats

    def check(self, text: str) -> GuardReport:
        return self.check_many([text])[0]

    def check_many(self, texts: Sequence[str]) -> list[GuardReport]:
        """Reports per text; a text seen before by this Guard (logs repeat prompts) is not
        checked again, each occurrence getting its own copy of the report."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if len(self._seen) + len(todo) > SEEN_MAX:
            self._seen.clear()  # bounded memory: a long log of distinct texts starts afresh
        self._seen.update(zip(todo, self._check_unique(todo), strict=True))
        out = [
            GuardReport(dict(r.pii), list(r.injection), r.toxicity, r.toxicity_threshold)
            for r in (self._seen[t] for t in texts)
        ]
        if self.classifier is not None:
            self._classify(texts, out)
        return out

    def _check_unique(self, texts: Sequence[str]) -> list[GuardReport]:
        toxicity: Sequence[float | None] = [None] * len(texts)
        if "toxicity" in self.checks:
            from llmops_cli.guardrails.toxicity import scores

            toxicity = scores(texts)
        found = self.pii.find_many(texts) if "pii" in self.checks else [[] for _ in texts]
        attacks = detect_many(texts) if "injection" in self.checks else [[] for _ in texts]
        return [
            GuardReport(
                dict(Counter(f.entity for f in entities)),
                [f.to_dict() for f in injection],
                toxic,
                self.toxicity_threshold,
            )
            for toxic, entities, injection in zip(toxicity, found, attacks, strict=True)
        ]

    def _classify(self, texts: Sequence[str], reports: list[GuardReport]) -> None:
        """Ask the LLM classifier about the texts the rules and the shipped model let through."""
        assert self.classifier is not None
        unflagged = [i for i, r in enumerate(reports) if not r.injection]
        labels = self.classifier([texts[i] for i in unflagged])
        for i, label in zip(unflagged, labels, strict=True):
            if label is None:
                self.classifier_failures += 1
            elif label:
                reports[i].injection.append(
                    {
                        "layer": "llm",
                        "rule": "llm-classifier",
                        "category": "classifier",
                        "via": "model",
                    }
                )

    def redact(self, text: str) -> str:
        return self.pii.redact(text)
