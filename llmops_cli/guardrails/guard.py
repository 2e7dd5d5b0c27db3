"""Run the guardrail checks over one text: what `llmops guard` and eval screening share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from llmops_cli.guardrails.injection import RULE_PACK, find_injection
from llmops_cli.guardrails.pii import PiiDetector

CHECKS = ("pii", "injection")


@dataclass(frozen=True)
class GuardReport:
    """Findings for one text: entity types and rule ids only, never the matched values."""

    pii: dict[str, int] = field(default_factory=dict)  # entity type -> count
    injection: list[dict[str, str]] = field(default_factory=list)

    @property
    def flagged(self) -> list[str]:
        return [c for c, hit in (("pii", self.pii), ("injection", self.injection)) if hit]

    def to_dict(self) -> dict[str, Any]:
        return {
            "flagged": self.flagged,
            "pii": self.pii,
            "injection": self.injection,
            "rule_pack": RULE_PACK,
        }


class Guard:
    def __init__(self, checks: tuple[str, ...] = CHECKS) -> None:
        unknown = set(checks) - set(CHECKS)
        if unknown:
            from llmops_cli.errors import LlmopsError

            raise LlmopsError(
                f"unknown check {sorted(unknown)[0]!r}; choose from {', '.join(CHECKS)}"
            )
        self.checks = checks
        self.pii = PiiDetector()

    def check(self, text: str) -> GuardReport:
        pii: dict[str, int] = {}
        if "pii" in self.checks:
            pii = dict(Counter(f.entity for f in self.pii.find(text)))
        injection = []
        if "injection" in self.checks:
            injection = [
                {"rule": f.rule, "category": f.category, "via": f.via} for f in find_injection(text)
            ]
        return GuardReport(pii, injection)

    def redact(self, text: str) -> str:
        return self.pii.redact(text)
