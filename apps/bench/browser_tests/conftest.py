"""Fixtures of the browser tests: the run and comparison folders the `report-browser` session made."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp import Browser, find_chromium


def _folder(variable: str) -> Path:
    value = os.environ.get(variable)
    if not value:
        pytest.fail(
            f"${variable} is not set: run these tests through `uv run nox -s report-browser`"
        )
    return Path(value)


@pytest.fixture(scope="session")
def run_dir() -> Path:
    """The finished run whose ``report.html`` is tested."""
    return _folder("BENCH_BROWSER_RUN")


@pytest.fixture(scope="session")
def compare_dir() -> Path:
    """The folder ``bench compare`` wrote."""
    return _folder("BENCH_BROWSER_COMPARE")


@pytest.fixture
def browser() -> Iterator[Browser]:
    """A fresh headless Chromium (the distribution's package; never downloaded)."""
    binary = find_chromium()
    if binary is None:
        pytest.fail("Chromium not found: `apt-get install chromium` (or set $CHROMIUM)")
    with Browser(binary) as opened:
        yield opened
