"""`llmops.yaml` read into a typed `ProjectConfig`, on the validated and the sealed path."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmops_cli.errors import ManifestError
from llmops_cli.project import (
    DEFAULT_STAGES,
    Project,
    ProjectConfig,
    ProtectedStage,
    RegistrySettings,
)

CONFIG = """kind: project
name: shop
registry:
  branch: team/registry
  remote: upstream
  stages: [dev, prod]
  protected:
    prod: {approvers: [leads, sre], min_approvals: 2}
tracking: {enabled: false, experiment: shop-evals, mode: sync, timeout_s: 3}
policy: {allowed_models: ["local/*"]}
defaults: {reports_dir: out/reports, concurrency: 8}
guardrails: {pii_regions: [DE, NL]}
"""


def test_config_is_typed_with_every_section(tmp_path: Path) -> None:
    (tmp_path / "llmops.yaml").write_text(CONFIG)
    for _ in range(2):  # validated, then read through the validation seal: the same config
        config = Project.load(tmp_path).config
        assert config.registry == RegistrySettings(
            branch="team/registry",
            remote="upstream",
            stages=("dev", "prod"),
            protected={"prod": ProtectedStage(approvers=("leads", "sre"), min_approvals=2)},
        )
        assert (config.tracking.enabled, config.tracking.mode) == (False, "sync")
        assert config.tracking.timeout_s == 3.0 and isinstance(config.tracking.timeout_s, float)
        assert config.policy.allowed_models == ("local/*",)
        assert config.defaults.concurrency == 8
    project = Project.load(tmp_path)
    assert project.stages == ("dev", "prod")
    assert project.reports_dir == (tmp_path / "out/reports").resolve()
    assert project.pii_regions == ("DE", "NL")


def test_defaults_fill_a_minimal_config(tmp_path: Path) -> None:
    (tmp_path / "llmops.yaml").write_text("kind: project\nname: tiny\n")
    project = Project.load(tmp_path)
    assert project.config == ProjectConfig(name="tiny")
    assert project.stages == DEFAULT_STAGES
    assert project.config.registry.branch == "llmops/registry"
    assert project.config.tracking.enabled and project.config.tracking.mode == "background"
    assert project.pii_regions == ("US",)


@pytest.mark.parametrize(
    ("rule", "needed"),
    [
        (ProtectedStage(), 0),
        (ProtectedStage(approvers=("leads",)), 1),
        (ProtectedStage(approvers=("a", "b"), min_approvals=2), 2),
    ],
)
def test_protected_stage_needs(rule: ProtectedStage, needed: int) -> None:
    assert rule.needed == needed


def test_an_invalid_config_is_still_refused(tmp_path: Path) -> None:
    (tmp_path / "llmops.yaml").write_text("kind: project\nname: x\ntracking: {mode: later}\n")
    with pytest.raises(ManifestError, match="tracking"):
        Project.load(tmp_path)
