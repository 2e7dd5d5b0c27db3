"""The git-backed registry: storage (store.py), state and events (registry.py), and the
promotion rules (promotion.py)."""
