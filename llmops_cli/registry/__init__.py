"""The git-backed registry: storage (store.py), state and events (registry.py), sharing it
through a remote (remote.py) and re-applying local events on the remote's (reapply.py), the
approvals of protected stages (approvals.py), the promotion rules (promotion.py) and
rollback (rollback.py)."""
