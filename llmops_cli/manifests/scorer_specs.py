"""What the JSON Schema cannot check in a scorer spec (a golden case's `assert` or a pipeline's
`scorers`): loading the manifests finds it, and the scorers refuse to run it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


def spec_problem(spec: Mapping[str, Any]) -> tuple[str, str] | None:
    """(field, message) for what the schema cannot check in a scorer spec: a regex that does
    not compile. Found by `validate` and before any eval call, never counted as a failure."""
    if spec.get("type") != "regex":
        return None
    pattern = spec.get("value")
    if not isinstance(pattern, str):
        return "value", "a regex check needs `value: PATTERN` (a string)"
    try:
        re.compile(pattern)
    except re.error as exc:
        return "value", f"invalid regex {pattern!r}: {exc}"
    return None
