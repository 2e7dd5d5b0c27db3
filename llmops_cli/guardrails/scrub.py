"""The scrubbing hook every stored input and output passes through before it reaches a
report, a log or MLflow: API-key-like secrets by pattern, then PII with the guardrails'
Presidio detector (checksum-validated cards and IBANs, emails, phones, IPs, SSNs), each value
replaced by `<ENTITY_TYPE>`.

Most answers hold nothing that could be PII (see `pii.may_hold_pii`): those cost a regex
scan and never load Presidio, so a cached replay of a plain golden set stays fast."""

from __future__ import annotations

import re

from llmops_cli.guardrails.pii import detector, may_hold_pii

# provider keys (OpenAI-style sk-/pk-/rk-, Anthropic sk-ant-, AWS access key ids, GitHub and
# Slack tokens): Presidio has no recognizer for these
_SECRET = re.compile(
    r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}\b|\bAKIA[0-9A-Z]{16}\b"
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bxox[abpr]-[A-Za-z0-9-]{10,}\b"
)


def scrub(text: str) -> str:
    """Replace secrets and PII by `<SECRET>` / `<ENTITY_TYPE>`; values are never kept."""
    text = _SECRET.sub("<SECRET>", text)
    return detector().redact(text) if may_hold_pii(text) else text
