"""``report.html`` and ``compare.html`` rendered by headless Chromium: they load, show, and hold together.

Each page: a full-page screenshot (kept under the run folder's ``browser/`` as a CI artifact) that is not
blank, every image decoded (``naturalWidth > 0``), no console error or uncaught exception, the expected
headings and tables, provenance that opens, and no horizontal page scroll on a 390 px phone screen.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from cdp import Browser
from PIL import Image

SECTIONS = [
    "Verdict",
    "The paper's tables",
    "Cohort tables",
    "Plots",
    "Sanity checks",
    "Model cards",
    "Provenance",
]


def _not_blank(path: Path) -> None:
    """At least 2 % of the pixels differ from the page's most common colour, in many distinct colours."""
    pixels = np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    assert len(colours) > 50, f"{path} has only {len(colours)} colours"
    assert 1 - counts.max() / len(pixels) > 0.02, f"{path} is almost one colour"


def _images(browser: Browser) -> list[dict[str, object]]:
    return browser.evaluate(
        "Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete, width: i.naturalWidth}))"
    )


def _texts(browser: Browser, selector: str) -> list[str]:
    return browser.evaluate(
        f"Array.from(document.querySelectorAll({selector!r})).map(e => e.textContent.trim())"
    )


def _fits_phone(browser: Browser, shot: Path) -> None:
    browser.set_width(390, mobile=True)
    browser.screenshot(shot)
    width = browser.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"the page scrolls sideways on a phone ({width} px wide at 390 px)"


def _load(browser: Browser, page: Path) -> None:
    """Open ``page`` at 1280 px: a non-blank full-page screenshot, no console error."""
    browser.set_width(1280)
    browser.open(page)
    _not_blank(browser.screenshot(page.parent / "browser" / f"{page.stem}-1280.png"))
    assert browser.errors() == []


def test_report_page(browser: Browser, run_dir: Path) -> None:
    """The run's results page in a real browser."""
    _load(browser, run_dir / "report.html")

    images = _images(browser)
    plots = sorted((run_dir / "plots").glob("*.png"))
    assert len(images) == len(plots) > 0
    for image in images:
        assert image["complete"], image
        assert int(image["width"]) > 0, image
        assert len(str(image["alt"])) > 20, f"alt text too short: {image['alt']!r}"

    headings = _texts(browser, "h2")
    assert [h.split(":")[0] for h in headings] == SECTIONS
    paper_tables = sorted((run_dir / "tables").glob("table*.md"))
    titles = [
        p.read_text(encoding="utf-8").splitlines()[0].removeprefix("### ") for p in paper_tables
    ]
    assert sorted(_texts(browser, "#tables h3")) == sorted(titles)
    assert len(_texts(browser, "#tables table")) == len(paper_tables)
    cohort = sorted((run_dir / "tables").glob("cohort_*.csv"))
    assert len(_texts(browser, "#cohorts table")) == len(cohort)
    assert all(_texts(browser, "table caption")), "every table has a caption"
    assert len(_texts(browser, "#models article")) == len(list(run_dir.rglob("MODEL_CARD.md")))

    # a cell opens to its provenance (study, encoder hash, reproduce command)
    opened = browser.evaluate(
        "(() => { const d = document.querySelector('#tables td details'); d.open = true;"
        " return d.querySelector('dl').textContent; })()"
    )
    for needle in ("study", "encoder SHA-256", "data fingerprint", "bench run --config"):
        assert needle in opened
    # sorting by a column runs without errors
    browser.evaluate("document.querySelector('#verdict thead th:nth-child(8)').click(); true")
    assert browser.errors() == []
    _fits_phone(browser, run_dir / "browser" / "report-390.png")


def test_compare_page(browser: Browser, compare_dir: Path) -> None:
    """The ``bench compare`` page in a real browser."""
    _load(browser, compare_dir / "compare.html")
    groups = _texts(browser, "main h2")
    assert groups[0] == "Runs"
    markdown = (compare_dir / "compare.md").read_text(encoding="utf-8")
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and " vs " in line]
    assert len(_texts(browser, "tbody tr")) == len(rows) > 0
    assert len(_texts(browser, "main table")) == len(groups) - 1
    _fits_phone(browser, compare_dir / "browser" / "compare-390.png")
