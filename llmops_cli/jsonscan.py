"""JSON objects in a model's answer: the answer itself, a fenced block, the outermost braces,
each also repaired (trailing commas, single quotes, bare keys). Shared by the judge and the
injection classifier, so neither layer imports the other for it."""

from __future__ import annotations

import re


def json_candidates(text: str) -> list[str]:
    stripped = text.strip()
    found = [stripped]
    fenced = re.search(r"```(?:json)?\s*(.*?)```", stripped, re.DOTALL)
    if fenced:
        found.append(fenced.group(1).strip())
    braces = re.search(r"\{.*\}", stripped, re.DOTALL)
    if braces:
        found.append(braces.group(0))
    repaired = []
    for c in found:
        fixed = re.sub(r",\s*([}\]])", r"\1", c)  # trailing commas
        fixed = re.sub(r"(?<![\w\"])'([^']*)'", r'"\1"', fixed)  # 'single' -> "double"
        fixed = re.sub(r"([{,]\s*)([A-Za-z_]+)\s*:", r'\1"\2":', fixed)  # bare keys
        repaired.append(fixed)
    return found + repaired
