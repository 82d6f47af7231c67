"""Shared pieces of the run's HTML pages (``report.html``, ``compare.html``): templates, images, cells.

Pages are self-contained: CSS inline, figures as ``data:image/png;base64`` URIs, no network and no
JavaScript needed to read them (a few lines of vanilla JS only make tables sortable). Templates live in
``bench/templates`` and are rendered by Jinja2 with autoescaping on, so no text from a run can inject markup.
"""

from __future__ import annotations

import base64
import math
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.markers import write_atomically

P_THRESHOLD = 0.05
#: Short names of the test sets on the pages.
SET_NAMES = {"test": "OAI test", "most": "MOST"}
#: The fewest paired seeds at which a two-sided exact Wilcoxon test can reach p < 0.05 (p = 2 / 2**n).
MIN_WILCOXON_SEEDS = 6


@dataclass(frozen=True)
class Figure:
    """One embedded figure: its data URI, pixel size, alt text and caption."""

    name: str
    uri: str
    width: int
    height: int
    alt: str
    caption: str


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG from its IHDR chunk (bytes 16-24 of the file)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def embed_png(path: Path, alt: str, caption: str) -> Figure:
    """Read a PNG and return it as an embeddable :class:`Figure`."""
    data = path.read_bytes()
    width, height = png_size(data)
    uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return Figure(path.stem, uri, width, height, alt, caption)


def format_cell(mean: float, sd: float) -> str:
    """``mean (SD)`` with three decimals, ``-`` when the mean is missing."""
    if not math.isfinite(mean):
        return "-"
    return f"{mean:.3f} ({sd:.3f})"


def significance_marks(p_wilcoxon: float, p_delong: float) -> str:
    """``*`` for a paired Wilcoxon p < 0.05, ``†`` for a DeLong p < 0.05 (NaN p-values mark nothing)."""
    return ("*" if p_wilcoxon < P_THRESHOLD else "") + ("†" if p_delong < P_THRESHOLD else "")


def format_p(value: float) -> str:
    """A p-value for a page: ``-`` when not computed, ``< 0.001`` when tiny."""
    if value is None or not math.isfinite(value):
        return "-"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def render(template: str, **context: Any) -> str:
    """Render ``bench/templates/<template>`` with HTML autoescaping."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("bench", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["p"] = format_p
    return environment.get_template(template).render(**context)


def write_page(path: Path, text: str) -> Path:
    """Write a page atomically (a reader never sees half a page)."""
    return write_atomically(path, lambda p: p.write_text(text, encoding="utf-8"))
