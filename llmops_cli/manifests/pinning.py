"""Is a model id pinned to a release, or a floating alias whose behaviour can change under you?

A pinned id carries a date (`gpt-4o-mini-2024-07-18`, `claude-3-5-sonnet-20241022`), an
OpenAI-style MMDD suffix (`gpt-4-0613`), a release number (`gemini-1.5-pro-002`,
`mistral-large-2407`), an explicit version (`-v2`, `:1.2.0`) or a content digest (`@sha256:`).
`latest` anywhere is floating, whatever else the id says.
"""

from __future__ import annotations

import re

_FLOATING = re.compile(r"(^|[-:/@_.])latest($|[-:/@_.])", re.IGNORECASE)
_PINNED = re.compile(
    r"""
    \d{4}-\d{2}-\d{2}          # 2024-07-18
    | (?<!\d)20\d{6}(?!\d)     # 20241022
    | -\d{3,4}$                # -0613, -002, -2407
    | -\d{3,4}-                # -2407-something
    | [-:@]v?\d+(\.\d+){1,2}$  # :1.2.0, -v1.5
    | -v\d+(\.\d+)*(?=$|[-:])  # -v2, -v2:0 (bedrock ids)
    | @sha256:[0-9a-f]{12,}    # digest
    """,
    re.VERBOSE,
)


def is_pinned(model_id: str) -> bool:
    if _FLOATING.search(model_id):
        return False
    return bool(_PINNED.search(model_id))
