"""Checks on text: PII, secrets, prompt injection, toxicity, output contracts."""
