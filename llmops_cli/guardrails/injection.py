"""Prompt-injection rules: the high-precision layer, checked on every view of a text.

Rules are written by attack structure, not by phrase: an override is an imperative aimed at
the model's prior instructions; a persona switch is a new role *and* the lifting of limits; an
extraction asks for the hidden instructions (or a transformation of them); a spoof is a role
or turn marker the user should not be able to write; a planted instruction is document text
addressed to an AI reader; exfiltration is a link or image whose URL is to be filled with
conversation data; a hijack is a named tool call with wildcard arguments or without the
user's confirmation. Each has its words in English, Spanish, French, German, Portuguese and
Italian. Every gap between two parts is a bounded window, so each rule is linear in the text
length (tests/test_injection.py checks the scaling on hostile inputs).

The rules themselves, with their version (`RULE_PACK`), live in `injection_rules`; this module
runs them on every view of a text and combines them with the shipped classifier.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from llmops_cli.guardrails.injection_rules import KEY_WORDS, RULE_PACK, RULES, pattern
from llmops_cli.guardrails.normalize import Normalised, views
from llmops_cli.guardrails.normalize import normalise as normalise


@dataclass(frozen=True, slots=True)
class InjectionFinding:
    rule: str
    category: str
    via: str  # the view it was found in: "text", "base64", "hex", "url", "tags", "rot13", ...
    rule_pack: str = RULE_PACK
    layer: str = "rules"  # or "classifier" (the shipped model), "llm" (a model manifest)
    score: float | None = None  # the classifier's probability

    def to_dict(self) -> dict[str, str | float]:
        out: dict[str, str | float] = {
            "layer": self.layer,
            "rule": self.rule,
            "category": self.category,
            "via": self.via,
        }
        if self.score is not None:
            out["score"] = round(self.score, 4)
        return out


def scan(text: str, via: str = "text", prefilter: bool = True) -> list[InjectionFinding]:
    """The rules that fire on one view (a rule none of whose key words occur is skipped)."""
    low = text.lower()
    return [
        InjectionFinding(rule, category, via)
        for rule, (category, _) in RULES.items()
        if (not prefilter or any(k in low for k in KEY_WORDS[rule])) and pattern(rule).search(text)
    ]


def _mostly_latin(text: str) -> bool:
    letters = sum(c.isascii() and c.isalpha() for c in text[:2000])
    return letters > 0.6 * min(len(text), 2000) and len(text) >= 12


def rule_findings(normalised: Normalised) -> list[InjectionFinding]:
    """Rules over every view (each rule reported once, in the first view it fires in), and
    the hidden characters when they are used the way smuggling uses them."""
    findings: list[InjectionFinding] = []
    seen: set[str] = set()
    for view in normalised.views:
        for finding in scan(view.text, view.via):
            if finding.rule not in seen:
                seen.add(finding.rule)
                findings.append(finding)
    if not findings and _mostly_latin(text := normalised.text):  # rot13 needs no cue for rules
        findings = scan(codecs.encode(text, "rot13"), "rot13")
    if normalised.suspicious:
        findings.append(InjectionFinding("invisible-unicode", "hidden_characters", "unicode"))
    return findings


def find_injection(text: str) -> list[InjectionFinding]:
    """Every rule that fires on the text or one of its decoded views (no classifier)."""
    return rule_findings(views(text))


MODEL_RULE = "injection-model"


def model_finding(
    normalised: Normalised, threshold: float | None = None
) -> InjectionFinding | None:
    """The shipped classifier's verdict: its highest score over the views, when that reaches
    the threshold chosen on the dev set (or `threshold`)."""
    from llmops_cli.guardrails.model import load

    model = load()
    best, where = 0.0, "text"
    for view in normalised.views:
        if (score := model.score(view.text)) > best:
            best, where = score, view.via
    cut = model.threshold if threshold is None else threshold
    if best < cut:
        return None
    return InjectionFinding(MODEL_RULE, "classifier", where, layer="classifier", score=best)


def detect(text: str, classifier: bool = True) -> list[InjectionFinding]:
    """Rules OR classifier: every rule that fires on a view, plus the classifier's finding
    when its score reaches the threshold. What `llmops guard` and eval's screening run."""
    normalised = views(text)
    findings = rule_findings(normalised)
    if classifier and (found := model_finding(normalised)) is not None:
        findings.append(found)
    return findings
