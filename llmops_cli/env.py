"""Environment defaults that must be set before heavy libraries are imported, so that
llmops never hangs or prints noise for lack of network (DESIGN §11)."""

from __future__ import annotations

import os

OFFLINE_DEFAULTS = {
    # litellm fetches its price map at import otherwise; beside `mlflow server` that deadlocks
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",  # Presidio -> tldextract would fetch a list
    "HF_HUB_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_offline_defaults() -> None:
    """Set each default unless the user chose a value (telemetry opt-in stays possible)."""
    for key, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)
