"""The scrubbing hook every stored output passes through before it reaches a report, a log or
MLflow. This is the minimal, pattern-based version (emails, card numbers that pass Luhn,
phone numbers, US SSNs, API-key-like secrets); the guardrails issue replaces the matching
with Presidio while keeping this interface."""

from __future__ import annotations

import re
from collections.abc import Callable

_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b")
_CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
# international (+44 20 7946 0958) or North American ((555) 123-4567) shapes, and never a
# run of digit groups that goes on (a card or account number is not a phone number)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,4}"
    r"|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})(?![ .-]?\d)"
)
_SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
_SECRET = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}\b|\bAKIA[0-9A-Z]{16}\b")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        d = int(char)
        if index % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "<CREDIT_CARD>" if 13 <= len(digits) <= 19 and luhn_ok(digits) else match.group()


_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (_SECRET, "<SECRET>"),
    (_EMAIL, "<EMAIL_ADDRESS>"),
    (_CARD, _card),
    (_SSN, "<US_SSN>"),
    (_PHONE, "<PHONE_NUMBER>"),
]


def scrub(text: str) -> str:
    """Replace PII and secrets by `<ENTITY_TYPE>`; the value itself is never kept."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
