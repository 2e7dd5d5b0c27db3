"""llmops: versioned prompts, models and retrieval configs, evaluated, gated and promoted."""

__version__ = "0.1.0"

# Before anything imports litellm, mlflow or presidio (see env.py for why).
from llmops_cli.env import apply_offline_defaults as _apply_offline_defaults

_apply_offline_defaults()
