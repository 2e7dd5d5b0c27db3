"""Prompt-injection rules, checked on user input and on retrieved documents.

A rule pack is versioned (`RULE_PACK`): a change of any rule is a new version, recorded with
each finding, so a changed verdict can be traced to a changed rule. Text is normalised first
(NFKC, invisible and bidi characters removed and themselves reported); base64 runs and the
rot13 of the text are decoded and checked again.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from dataclasses import dataclass

RULE_PACK = "injection-2026.11.1"

# zero-width, bidi-override and tag characters (not ZWJ/ZWNJ: emoji and Persian need those)
_INVISIBLE = re.compile(
    "[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000e0000-\U000e007f]"
)
_BASE64 = re.compile(r"[A-Za-z0-9+/]{20,}={0,2}")
_GAP = r"[^.\n]{0,40}?"

_OVERRIDE_VERBS = r"(?:ignore|disregard|forget|skip|override|bypass|drop|abandon|neglect)"
_PRIOR = (
    r"(?:previous|prior|above|earlier|preceding|foregoing|original|initial|all|any|every|your|"
    r"the|these|those|system|developer)"
)
_INSTRUCTIONS = (
    r"(?:instructions?|prompts?|rules|directions|directives|guidelines|guardrails|context|"
    r"constraints|programming|policies|messages?)"
)

RULES: dict[str, tuple[str, str]] = {
    # id: (category, pattern) — every pattern is matched case-insensitively
    "override-en": (
        "instruction_override",
        rf"\b{_OVERRIDE_VERBS}\b{_GAP}\b{_PRIOR}\b{_GAP}\b{_INSTRUCTIONS}\b",
    ),
    "override-new-instructions": (
        "instruction_override",
        r"\b(?:new|updated|real|actual|revised)\s+(?:system\s+)?instructions?\s*[:\-]",
    ),
    "override-from-now-on": (
        "instruction_override",
        r"\bfrom now on\b[^.\n]{0,30}\byou (?:will|must|are|shall)\b",
    ),
    "persona-jailbreak": (
        "instruction_override",
        r"\b(?:you are now|act as|pretend (?:to be|you are)|roleplay as)\b[^.\n]{0,50}"
        r"\b(?:DAN|unrestricted|jailbroken|unfiltered|uncensored|developer mode|no (?:rules|"
        r"restrictions|limits|filters))\b|\bdo anything now\b|\bdeveloper mode (?:enabled|on)\b",
    ),
    "override-de": (
        "instruction_override",
        r"\b(?:ignorier(?:e|en)?|vergiss|missachte)\b[^.\n]{0,30}\b(?:vorherigen|bisherigen|"
        r"obigen|alle|deine)\b[^.\n]{0,20}\b(?:anweisungen|instruktionen|regeln|befehle)\b",
    ),
    "override-fr": (
        "instruction_override",
        r"\b(?:ignore[zr]?|oublie[zr]?)\b[^.\n]{0,30}\b(?:instructions|consignes|règles)\b"
        r"[^.\n]{0,20}\b(?:précédentes|ci-dessus|antérieures)\b|\b(?:ignore[zr]?|oublie[zr]?)\s+"
        r"(?:toutes\s+)?(?:les\s+|vos\s+)?(?:instructions|consignes)\b",
    ),
    "override-es-pt-it": (
        "instruction_override",
        r"\b(?:ignora|ignore|olvida|esquece|esqueça|dimentica)\b[^.\n]{0,30}\b(?:instrucciones|"
        r"instruções|istruzioni|reglas|regras|regole)\b[^.\n]{0,20}\b(?:anteriores|previas|"
        r"precedenti|prévias)\b",
    ),
    "role-spoof-prefix": (
        "role_spoofing",
        r"(?:^|\n)[ \t]*(?:#{1,3}[ \t]*)?(?:system|assistant|developer)[ \t]*(?:message|prompt)?"
        r"[ \t]*:",
    ),
    "chat-template-tokens": (
        "role_spoofing",
        r"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id)\|>"
        r"|\[/?INST\]|<</?SYS>>|</?(?:system|instructions?)>",
    ),
    "system-prompt-exfiltration": (
        "exfiltration",
        r"\b(?:reveal|print|show|repeat|output|leak|dump|display|tell me|give me|what (?:is|are|"
        r"were))\b[^.\n]{0,30}\b(?:your\s+(?:(?:initial|original|hidden|secret|full|entire|exact|"
        r"first)\s+)*(?:system prompt|system message|instructions|prompt|rules)\b|the\s+(?:(?:"
        r"initial|original|hidden|secret|full|entire|exact)\s+)*(?:system prompt|system message)\b"
        r"|the\s+(?:initial|original|hidden|secret|full|entire|exact)\s+(?:instructions|prompt)\b"
        r"(?!\s+(?:text|template|for|of)\b))",
    ),
    "markdown-image-exfiltration": (
        "exfiltration",
        r"!\[[^\]]*\]\(\s*https?://[^)\s]*[?&][^)\s]*=[^)]*\)",
    ),
    "link-with-data-template": (
        "exfiltration",
        r"https?://[^\s)]*[?&][\w-]+=\s*(?:\{\{?|\$\{|<)[^)\s]*",
    ),
    "tool-hijack": (
        "tool_hijack",
        r"\b(?:call|invoke|use|run|execute|trigger)\b[^.\n]{0,30}\b(?:tool|function|plugin|"
        r"action)\b[^.\n]{0,40}(?:\b(?:delete|remove|transfer|wire|forward|upload|exfiltrate)\b"
        r"|\bsend\b[^.\n]{0,40}\bto\s+\S+@\S+)|\"(?:tool_calls|function_call)\"\s*:",
    ),
}
_COMPILED = {rule: (cat, re.compile(p, re.IGNORECASE)) for rule, (cat, p) in RULES.items()}


@dataclass(frozen=True, slots=True)
class InjectionFinding:
    rule: str
    category: str
    via: str  # "text", "base64", "rot13" or "unicode"
    rule_pack: str = RULE_PACK


def normalise(text: str) -> tuple[str, bool]:
    """(NFKC text without invisible/bidi characters, whether any were present)."""
    cleaned, hidden = _INVISIBLE.subn("", text)
    return unicodedata.normalize("NFKC", cleaned), hidden > 0


def _scan(text: str, via: str) -> list[InjectionFinding]:
    return [
        InjectionFinding(rule, category, via)
        for rule, (category, pattern) in _COMPILED.items()
        if pattern.search(text)
    ]


def _decoded_base64(text: str) -> list[str]:
    out = []
    for run in _BASE64.findall(text)[:20]:
        try:
            raw = base64.b64decode(run + "=" * (-len(run) % 4), validate=True)
        except (binascii.Error, ValueError):
            continue
        decoded = raw.decode("utf-8", errors="ignore")
        if decoded and sum(c.isprintable() for c in decoded) / len(decoded) > 0.9:
            out.append(decoded)
    return out


def find_injection(text: str) -> list[InjectionFinding]:
    """Every rule that fires on the text, its decoded payloads or its rot13."""
    clean, hidden = normalise(text)
    findings = _scan(clean, "text")
    for decoded in _decoded_base64(clean):
        findings += _scan(decoded, "base64")
    if not findings:
        findings += _scan(codecs.encode(clean, "rot13"), "rot13")
    if hidden:
        findings.append(InjectionFinding("invisible-unicode", "hidden_characters", "unicode"))
    return findings
