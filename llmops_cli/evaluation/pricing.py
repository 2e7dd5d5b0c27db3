"""What a call cost: the manifest's `pricing`, else litellm's bundled price map (read as JSON,
without importing litellm), else unknown."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from llmops_cli.manifests.model import ModelManifest


def cost_usd(model: ModelManifest, prompt_tokens: int, completion_tokens: int) -> float | None:
    """Manifest `pricing` wins; otherwise litellm's bundled price map; None when unknown."""
    pricing = model.get("pricing")
    if pricing:
        return (
            float(
                prompt_tokens * pricing.get("input_per_1m_tokens", 0)
                + completion_tokens * pricing.get("output_per_1m_tokens", 0)
            )
            / 1e6
        )
    prices = _price_map()
    entry = prices.get(model.litellm_id) or prices.get(str(model.model))
    if not isinstance(entry, dict) or "input_cost_per_token" not in entry:
        return None
    return float(
        prompt_tokens * entry["input_cost_per_token"]
        + completion_tokens * entry.get("output_cost_per_token", 0.0)
    )


@functools.cache
def _price_map() -> dict[str, Any]:
    """litellm's bundled price map, read as JSON without importing litellm (~5 s)."""
    import importlib.util
    import json

    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations)))
    try:
        data = json.loads((path / "model_prices_and_context_window_backup.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
