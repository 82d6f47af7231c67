"""``python -m bench``: the same as the ``bench`` command."""

from bench.cli import app

app(prog_name="bench")
