"""POST a drift alert to a webhook (Slack incoming webhooks and anything accepting JSON)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from llmops_cli.errors import LlmopsError


def post_json(url: str, body: dict[str, Any], timeout: float = 10.0) -> int:
    """Send `body`; return the HTTP status. Failures raise LlmopsError naming the host only
    (webhook URLs embed their secret in the path)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LlmopsError("--webhook must be an http(s) URL")
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "llmops-drift-check"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise LlmopsError(f"webhook {parts.netloc} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise LlmopsError(f"webhook {parts.netloc} unreachable: {reason}") from None
