"""The scrubbing hook every stored input and output passes through before it reaches a
report, a log or MLflow: secrets by pattern, then PII with the guardrails' Presidio detector
(checksum-validated cards and IBANs, emails, phones, IPs, SSNs), each value replaced by
`<SECRET>` / `<ENTITY_TYPE>`. Loopback addresses (127.0.0.0/8, ::1, localhost) are not PII
and stay, so an error still says which local server refused the connection.

Backslash escapes do not hide a value: a scorer's reason that echoes a regex assertion
(`no match for /dave@example\\.net/`) is also read with its escapes removed, and what is found
there is replaced in the text as written.

Most answers hold nothing that could be PII (see `pii.may_hold_pii`): those cost a regex
scan and never load Presidio, so a cached replay of a plain golden set stays fast."""

from __future__ import annotations

import bisect
import functools
import ipaddress
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from llmops_cli.extras import require
from llmops_cli.guardrails.pii import (
    DEFAULT_REGIONS,
    PiiFinding,
    detector,
    may_hold_pii,
    replace_spans,
)

_TOKEN = r"[A-Za-z0-9_-]"
# Shapes Presidio has no recognizer for, each `(pattern, replacement)`; a group 1 is a label
# kept in front of the value. Every pattern runs in linear time: runs are possessive and a
# lookbehind pins where a token may start, so no position is rescanned more than a few times.
_SECRETS = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # PEM private key blocks, also cut short (a truncated answer): up to the next "-----"
        (
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[^-]*+(?:-(?!----)[^-]*+)*+"
            r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----)?",
            "<SECRET>",
        ),
        # provider keys: OpenAI-style sk-/pk-/rk-, Anthropic sk-ant-, AWS access key ids,
        # GitHub and Slack tokens
        (
            r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}\b|\bAKIA[0-9A-Z]{16}\b"
            r"|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bxox[abpr]-[A-Za-z0-9-]{10,}\b",
            "<SECRET>",
        ),
        # JSON Web Tokens: header.payload.signature, base64url
        (rf"(?<!{_TOKEN})eyJ{_TOKEN}{{5,}}+\.{_TOKEN}{{5,}}+\.{_TOKEN}*+", "<SECRET>"),
        # HTTP credentials after `Authorization:`, whatever their shape
        (
            r"(?i)(\bauthorization\s*+:\s*+(?:basic|bearer)\s++)[A-Za-z0-9._~+/-]++=*+",
            r"\1<SECRET>",
        ),
        # bearer / basic credentials elsewhere (one has a digit: "bearer of bad news" is prose)
        (
            r"(?i)(\b(?:bearer|basic)\s++)(?=[A-Za-z._~+/-]*+[0-9])[A-Za-z0-9._~+/-]{12,}+=*+",
            r"\1<SECRET>",
        ),
        # key=value / "key": "value" for credential-named keys, also at the end of a longer
        # name (OPENAI_API_KEY, aws_secret_access_key): the lookbehind lets a key start after
        # `_` or `-`, where `\b` would not. The value stops at `@` (a URL's host follows).
        (
            r"(?i)((?<![A-Za-z0-9])(?:api[_-]?key|access[_-]?token|auth[_-]?token"
            r"|refresh[_-]?token|client[_-]?secret|secret[_-]?key|private[_-]?key"
            r"|secret[_-]?access[_-]?key|token)[\"']?\s*+[:=]\s*+[\"']?)"
            r"[^\s\"'&,;@]{6,}+",
            r"\1<SECRET>",
        ),
        # passwords only in assignment shape ("new password: at least 12 characters" is prose)
        (
            r"(?i)((?<![A-Za-z0-9])(?:password|passwd|pwd)"
            r"(?:\s*+=\s*+|[\"']\s*+:\s*+[\"']))[^\s\"'&,;@]++",
            r"\1<SECRET>",
        ),
        # credentials in a URL: scheme://user:password@host, or scheme://token@host (a token:
        # 16+ characters with a digit; ssh://git@host keeps its user)
        (r"(?<=://)[^\s/@:]++:[^\s/@]++(?=@)", "<SECRET>"),
        (r"(?<=://)(?=[^\s/@:0-9]*+[0-9])[^\s/@:]{16,}+(?=@)", "<SECRET>"),
    )
)


# a regex (or shell) escape of a punctuation character: `\.`, `\-`, `\+`, `\@`
_ESCAPE = re.compile(r"\\([^\w\s])")


class _Unescaped:
    """`text` with its backslash escapes removed (`view`), and the way back: `span(start,
    end)` of the view is the span of the text that reads as it, escapes included."""

    def __init__(self, text: str) -> None:
        self.view = _ESCAPE.sub(r"\1", text)
        # the view index of the character each removed backslash stood before
        self._after = [m.start() - k for k, m in enumerate(_ESCAPE.finditer(text))]

    def _at(self, index: int) -> int:
        return index + bisect.bisect_right(self._after, index)

    def span(self, start: int, end: int) -> tuple[int, int]:
        k = bisect.bisect_left(self._after, start)
        escaped = k < len(self._after) and self._after[k] == start  # `\+1 415...`: from `\`
        return self._at(start) - (1 if escaped else 0), self._at(end - 1) + 1


def scrub_secrets(text: str) -> str:
    """API keys, tokens, passwords and private keys replaced by `<SECRET>`, also when
    backslash escapes split them (`sk\\-proj\\-...` in a regex assertion)."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    if "\\" not in text:
        return text
    unescaped = _Unescaped(text)
    spans = [
        unescaped.span(m.end(1) if pattern.groups else m.start(), m.end())
        for pattern, _ in _SECRETS
        for m in pattern.finditer(unescaped.view)
    ]
    return _replaced(text, spans, "<SECRET>")


def _replaced(text: str, spans: list[tuple[int, int]], replacement: str) -> str:
    """`text` with each span, overlapping ones merged, replaced by `replacement`."""
    parts, at = [], 0
    for start, end in sorted(spans):
        if start < at:  # overlaps the one before: one value
            at = max(at, end)
            continue
        parts += [text[at:start], replacement]
        at = end
    return "".join(parts) + text[at:]


def scrub(
    text: str,
    *,
    pii: bool = True,
    keep_urls: bool = False,
    regions: tuple[str, ...] = DEFAULT_REGIONS,
) -> str:
    """Replace secrets and (with `pii`) PII by `<SECRET>` / `<ENTITY_TYPE>`; values are never
    kept. `keep_urls` leaves URLs alone: an error names the endpoint a manifest configured.
    `regions`: the project's guardrails.pii_regions (whose national phone formats are read)."""
    text = scrub_secrets(text)
    if not pii:
        return text
    require("guard")  # whatever the text: scrubbing never weakens silently without Presidio
    unescaped = _Unescaped(text) if "\\" in text else None
    view = unescaped.view if unescaped else text
    if not may_hold_pii(text) and not may_hold_pii(view):
        return text
    pii_detector = detector(tuple(regions))
    found = [f for f in pii_detector.find(text) if not _harmless(f, text, keep_urls)]
    if unescaped and view != text:  # what the escapes hid, mapped back onto the text
        for f in pii_detector.find(view):
            if not _harmless(f, view, keep_urls):
                start, end = unescaped.span(f.start, f.end)
                found.append(PiiFinding(f.entity, start, end, f.score))
    return replace_spans(text, found) if found else text


def scrub_row(
    row: dict[str, Any],
    pii: bool = True,
    scrub_text: Callable[..., str] | None = None,
    regions: tuple[str, ...] = DEFAULT_REGIONS,
) -> None:
    """Scrub every free-text field of a finished row in place, before it is stored: input,
    expected, output, error, and each score's reason and the judge's raw reply. `scrub_text`:
    one that remembers its answers (eval's memo, made for the project's regions), else
    `scrub` for `regions`."""
    if scrub_text is None:
        scrub_text = functools.partial(scrub, regions=regions)
    for name in ("input", "output", "expected"):
        row[name] = _scrubbed(row.get(name), pii, scrub_text)
    if row.get("error"):
        row["error"] = scrub_text(row["error"], pii=pii, keep_urls=True)
    for result in row["scores"].values():
        for key in ("reason", "raw"):
            if isinstance(result.get(key), str):
                result[key] = scrub_text(result[key], pii=pii)


def _scrubbed(value: Any, pii: bool, scrub_text: Callable[..., str]) -> Any:
    if isinstance(value, str):
        return scrub_text(value, pii=pii)
    if isinstance(value, list):
        return [_scrubbed(v, pii, scrub_text) for v in value]
    if isinstance(value, dict):
        return {k: _scrubbed(v, pii, scrub_text) for k, v in value.items()}
    return value


def _harmless(finding: PiiFinding, text: str, keep_urls: bool) -> bool:
    value = text[finding.start : finding.end]
    if finding.entity == "URL":
        return keep_urls or _loopback(urlsplit(value if "//" in value else f"//{value}").hostname)
    return finding.entity == "IP_ADDRESS" and _loopback(value)


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
