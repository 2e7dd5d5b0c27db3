"""The Typer command-line layer. Only this package imports typer or prints; each command
module is a thin adapter over the library and imports heavy parts inside the command."""
