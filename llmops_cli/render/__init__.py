"""Renderers: report dicts to Markdown, HTML and JUnit XML text. Pure functions, no I/O."""
