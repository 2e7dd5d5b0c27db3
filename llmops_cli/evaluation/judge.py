"""LLM-as-judge rubric scoring.

The judge model is always named (pipeline `judge:` or the scorer's `model:`), never a hidden
default. It must answer `{"score": 1-5, "reason": "..."}`; messy output is repaired (code
fences, single quotes, trailing commas, prose around the object) and, failing that, the judge
is asked once more. The raw text is kept in the report for audit. 1-5 maps to [0, 1].
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llmops_cli.evaluation.targets import Request
from llmops_cli.jsonscan import json_candidates

RUBRICS = {
    "faithfulness": "Is every claim in the ANSWER supported by the CONTEXT? 5 = fully supported, "
    "1 = contradicts or invents facts.",
    "relevance": "Does the ANSWER address the QUESTION? 5 = directly and completely on topic, "
    "1 = unrelated.",
    "completeness": "Does the ANSWER contain every key fact of the REFERENCE answer? 5 = all, "
    "1 = none.",
}
REASK = (
    "Your reply could not be parsed. Reply with only this JSON object and nothing else: "
    '{"score": <integer 1-5>, "reason": "<one sentence>"}'
)


class JudgeParseError(ValueError):
    pass


def rubric_text(spec: Mapping[str, Any]) -> str:
    rubric = str(spec.get("rubric", "faithfulness"))
    return RUBRICS.get(rubric, rubric)


def judge_messages(
    spec: Mapping[str, Any], question: str, answer: str, context: str, reference: str
) -> list[dict[str, str]]:
    system = (
        "You are a strict evaluator. Grade the ANSWER on this rubric:\n"
        f"{rubric_text(spec)}\n"
        'Reply with only a JSON object: {"score": <integer 1-5>, "reason": "<one sentence>"}'
    )
    user = (
        f"QUESTION:\n{question}\n\nCONTEXT:\n{context or '(none)'}\n\n"
        f"REFERENCE:\n{reference or '(none)'}\n\nANSWER:\n{answer}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def parse_verdict(text: str) -> tuple[int, str]:
    """Strict JSON first; then repairs; raises JudgeParseError when nothing sensible is left."""
    for candidate in json_candidates(text):
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, dict) and "score" in data:
            try:
                value = int(float(data["score"]))
            except (TypeError, ValueError):
                continue
            if 1 <= value <= 5:
                return value, str(data.get("reason", ""))
    raise JudgeParseError(f"no {{score: 1-5}} object in judge output: {text[:120]!r}")


def judge_request(messages: list[dict[str, str]], parameters: Mapping[str, Any]) -> Request:
    return Request(messages=messages, parameters={"temperature": 0, **parameters}, variables={})
