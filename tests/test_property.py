"""Whatever bytes or YAML a user feeds the loader, the answer is a clean error or a manifest."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmops_cli.errors import ManifestError
from llmops_cli.manifests.catalog import load_manifest

_DIR = Path(tempfile.mkdtemp(prefix="llmops-prop-"))

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(["kind", "name", "version", "provider", "model", "template", "limits", "x"])
documents = st.dictionaries(
    keys, values | st.sampled_from(["model", "prompt", "a-b", "1.0.0"]), max_size=6
)


def _load(raw: bytes) -> None:
    path = _DIR / "m.yaml"
    path.write_bytes(raw)
    try:
        manifest = load_manifest(path, "m.yaml")
    except ManifestError as exc:
        assert exc.problems and all(str(p).startswith("m.yaml") for p in exc.problems)
    else:
        assert manifest.kind in {"prompt", "model", "retrieval", "thresholds", "pipeline"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes(raw: bytes) -> None:
    _load(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_arbitrary_yaml_documents(doc: dict[str, object]) -> None:
    _load(yaml.safe_dump(doc).encode("utf-8"))
