"""The published contracts: frozen dataclasses that round-trip through JSON.

Every file a user or a script reads (report.json, gate.json, drift reports, canary
decisions) is one of these types; `base.Contract` holds the JSON round trip and the one place
that checks `schema_version`.
"""
