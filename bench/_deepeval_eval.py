"""Run by .bench/deepeval's Python: the bench golden set through DeepEval, the way its docs
evaluate an app they do not trace (`evaluate(test_cases=...)`): generate every answer from the
OpenAI-compatible server at URL with the OpenAI SDK (DeepEval leaves generation to the user;
`asyncio` with CONCURRENCY requests in flight), then score them with `evaluate()` and a
deterministic custom metric (case-insensitive contains, like promptfoo's and llmops'
`icontains`). Prints the pass count.
Usage: python _deepeval_eval.py CASES.jsonl URL CONCURRENCY"""

import asyncio
import json
import sys

from deepeval import evaluate
from deepeval.evaluate.configs import DisplayConfig
from deepeval.metrics import BaseMetric
from deepeval.test_case import LLMTestCase
from openai import AsyncOpenAI

PROMPT = "Answer the customer's question.\n\nQuestion: {question}"


class Contains(BaseMetric):
    """Pass when the expected text occurs in the output, ignoring case."""

    threshold = 1.0

    def measure(self, test_case: LLMTestCase, *args: object, **kwargs: object) -> float:
        expected = (test_case.expected_output or "").lower()
        self.score = float(expected in (test_case.actual_output or "").lower())
        self.success = self.score >= self.threshold
        return self.score

    async def a_measure(self, test_case: LLMTestCase, *args: object, **kwargs: object) -> float:
        return self.measure(test_case)

    def is_successful(self) -> bool:
        return bool(self.success)

    @property
    def __name__(self) -> str:  # DeepEval names metrics by this property
        return "Contains"


async def generate(cases: list[dict], url: str, concurrency: int) -> list[str]:
    gate = asyncio.Semaphore(concurrency)
    async with AsyncOpenAI(base_url=url, api_key="sk-bench-000000000000000000") as client:

        async def one(case: dict) -> str:
            async with gate:
                reply = await client.chat.completions.create(
                    model="gpt-4o-mini-2024-07-18",
                    messages=[{"role": "user", "content": PROMPT.format(**case["vars"])}],
                )
                return reply.choices[0].message.content or ""

        return await asyncio.gather(*(one(case) for case in cases))


def main() -> None:
    path, url, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(path, encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    outputs = asyncio.run(generate(cases, url, concurrency))
    test_cases = [
        LLMTestCase(
            input=case["vars"]["question"],
            actual_output=output,
            expected_output=case["assert"][0]["value"],
        )
        for case, output in zip(cases, outputs, strict=True)
    ]
    result = evaluate(
        test_cases,
        metrics=[Contains()],
        display_config=DisplayConfig(
            show_indicator=False, print_results=False, inspect_after_run=False
        ),
    )
    print(json.dumps({"passed": sum(t.success for t in result.test_results)}))


if __name__ == "__main__":
    main()
