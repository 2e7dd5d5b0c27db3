"""Approvals: who must approve a change into a protected stage (`registry.protected` in
llmops.yaml), and the one waiver a rollback to the previous version may have."""

from __future__ import annotations

from collections.abc import Sequence

from llmops_cli.errors import LlmopsError
from llmops_cli.project import ProtectedStage


def check_approvals(
    rule: ProtectedStage, stage: str, approvers: Sequence[str], what: str = "it"
) -> None:
    """At least `rule.needed` distinct approvers among the names llmops.yaml accepts. A name
    is an attestation recorded with the event (who approved), not an identity checked."""
    allowed = list(rule.approvers)
    valid = [a for a in approvers if not allowed or a in allowed]
    if len(set(valid)) >= rule.needed:
        return
    if allowed:
        accepted = (
            f"pass --approver with one of the names in registry.protected.{stage}.approvers "
            f"of llmops.yaml: {', '.join(allowed)}"
        )
    else:
        accepted = "pass --approver NAME, once per approver"
    unknown = [a for a in approvers if allowed and a not in allowed]
    got = f"; {', '.join(map(repr, unknown))} is not one of them" if unknown else ""
    raise LlmopsError(
        f"stage {stage!r} is protected: {what} needs {rule.needed} approval(s) from "
        f"{', '.join(allowed) or 'anyone'} ({accepted}){got}. The approver is recorded as "
        "who approved; llmops does not authenticate it"
    )


def rollback_approval(
    rule: ProtectedStage, stage: str, approvers: Sequence[str], to_previous: bool
) -> dict[str, str]:
    """Check the approvals of a rollback into `stage` (raises when they fall short), unless
    they are waived: only for the previous version, and only when llmops.yaml says so for
    the stage. Returns the event field that records a waiver used (else nothing)."""
    waived = to_previous and rule.rollback_to_previous_without_approval and rule.needed > 0
    if not waived:
        check_approvals(rule, stage, approvers, "a rollback into it")
        return {}
    if len(set(approvers)) >= rule.needed:
        return {}
    return {
        "approval_waived": f"rollback to the previous version (registry.protected.{stage}."
        "rollback_to_previous_without_approval in llmops.yaml)"
    }
