"""``report.html``, model cards, ``bench compare`` and ``bench dashboard`` (page structure; the browser
rendering itself is tested by the ``report-browser`` nox session)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from bench.compare import compare_runs, write_comparison
from bench.errors import DataError
from bench.results_page import verdicts
from bench.tables import BuiltTable, TableSpec


class Page(HTMLParser):
    """Collects what the tests check: tags, attributes, captions and text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def count(self, tag: str) -> int:
        return sum(t == tag for t, _ in self.tags)


def _parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.mark.slow
def test_report_page_is_self_contained_and_traces_every_cell(tiny_run: Path) -> None:
    path = tiny_run / "report.html"
    page = _parse(path)
    html = path.read_text(encoding="utf-8")
    # self-contained: no network, every image embedded with alt text
    for tag, attrs in page.tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not re.match(r"(https?:)?//", value), (
                f"<{tag} {key}={value}> reaches the network"
            )
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert len(images) == len(list((tiny_run / "plots").glob("*.png")))
    for image in images:
        assert str(image["src"]).startswith("data:image/png;base64,")
        assert len(str(image["alt"])) > 20
    # every paper table with a caption, and every cell's encoder hash in its provenance
    paper_tables = list((tiny_run / "tables").glob("table*.md"))
    assert page.count("caption") >= len(paper_tables) + 1
    results = pd.read_csv(tiny_run / "results.csv")
    for digest in set(results["encoder_sha256"]):
        assert digest in html
    for study in results["study"]:
        assert study in html
    assert html.count('<div class="seed">') >= len(results)  # every seed of every cell
    # provenance sections, sanity checks, model cards
    text = " ".join(page.text)
    for heading in ("Verdict", "Leakage guard", "De-identification audit", "Software and device"):
        assert heading in text
    assert "KL Pret (Sup) beats Random on KL" in text
    assert "ImageNet: not available (give --imagenet-weights PATH)" in text
    assert json.loads((tiny_run / "env.json").read_text())["versions"]["bench"] in text


@pytest.mark.slow
def test_no_report_text_reaches_the_page(tiny_run: Path) -> None:
    raw = [
        json.loads(line)["text"] for line in (tiny_run / "world/hospital/reports_raw.jsonl").open()
    ]
    html = (tiny_run / "report.html").read_text(encoding="utf-8")
    assert not any(
        line.strip() and line.strip() in html for text in raw for line in text.splitlines()[:1]
    )


@pytest.mark.slow
def test_model_card_beside_every_encoder(tiny_run: Path) -> None:
    registry = json.loads((tiny_run / "pretrain" / "encoders.json").read_text())
    available = {m: e for m, e in registry.items() if e["available"]}
    assert {"random", "kl_sup", "moco_v2", "convirt"} <= set(available)
    for method, entry in available.items():
        card = (tiny_run / entry["path"]).parent / "MODEL_CARD.md"
        text = card.read_text(encoding="utf-8")
        assert entry["sha256"] in text, method
        assert "## Intended use" in text
        assert "## Limitations" in text
        if method in ("moco_v2", "convirt"):
            shares = [float(s) for s in re.findall(r"\| \d \| ([\d.]+)% \|", text)]
            assert len(shares) == 5
            assert sum(shares) == pytest.approx(100.0, abs=0.5)
            assert "final training loss" in text
    assert (
        "Model card: ConVIRT" in (tiny_run / "pretrain" / "convirt" / "MODEL_CARD.md").read_text()
    )


def _long(rows: list[tuple[str, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "method": m,
                "fraction": 0.1,
                "test_set": "test",
                "protocol": "ft",
                "mean": mean,
                "sd": 0.01,
                "n_seeds": 10,
                "p_wilcoxon": p,
                "p_delong": float("nan"),
            }
            for m, mean, p, _ in rows
        ]
    )


def test_verdict_names_the_best_ssl_method_its_margin_and_significance() -> None:
    spec = TableSpec("table3_kl_image_ssl", "Table 3: KL", "kl", ("imagenet", "moco_v2"), ("test",))
    better = _long(
        [("imagenet", 0.60, float("nan"), 0), ("moco_v2", 0.65, 0.01, 0), ("mae", 0.62, 0.2, 0)]
    )
    (row,) = verdicts([BuiltTable(spec, "", better, "imagenet")])
    assert row["method"] == "MoCo v2"
    assert row["delta"] == "+0.050"
    assert row["outcome"] == "SSL better"
    assert not row["underpowered"]
    worse = _long([("imagenet", 0.60, float("nan"), 0), ("moco_v2", 0.55, 0.01, 0)])
    assert verdicts([BuiltTable(spec, "", worse, "imagenet")])[0]["outcome"] == "reference better"
    unsure = _long([("imagenet", 0.60, float("nan"), 0), ("moco_v2", 0.61, 0.3, 0)])
    assert verdicts([BuiltTable(spec, "", unsure, "imagenet")])[0]["outcome"] == ("not significant")


def _results(
    folder: Path, shift: dict[str, float], seeds: tuple[int, ...] = (0, 1, 2, 3, 4, 5)
) -> Path:
    rows = []
    for method, base in (("imagenet", 0.6), ("moco_v2", 0.55)):
        for seed in seeds:
            value = base + 0.01 * seed + shift.get(method, 0.0)
            rows.append(
                {
                    "task": "kl",
                    "method": method,
                    "protocol": "ft",
                    "fraction": 0.1,
                    "seed": seed,
                    "test_metric_test": value,
                    "test_metric_most": float("nan"),
                }
            )
    folder.mkdir(parents=True)
    pd.DataFrame(rows).to_csv(folder / "results.csv", index=False)
    return folder


def test_compare_pairs_seeds_and_reports_the_difference(tmp_path: Path) -> None:
    before = _results(tmp_path / "before", {})
    after = _results(tmp_path / "after", {"moco_v2": 0.05})
    table = compare_runs([before, after]).set_index("method")
    assert table.loc["moco_v2", "difference"] == pytest.approx(0.05)
    assert table.loc["imagenet", "difference"] == pytest.approx(0.0)
    assert table.loc["moco_v2", "paired_seeds"] == 6
    assert table.loc["moco_v2", "p_wilcoxon"] < 0.05  # six consistent paired improvements
    assert table.loc["imagenet", "p_wilcoxon"] == 1.0
    written = write_comparison([before, after], tmp_path / "out")
    markdown = written["markdown"].read_text(encoding="utf-8")
    assert "| after vs before | kl | MoCo v2 | FT | 0.1 | OAI test |" in markdown
    assert "+0.050" in markdown
    assert "<table" in written["html"].read_text(encoding="utf-8")


def test_compare_refuses_runs_that_cannot_be_compared(tmp_path: Path) -> None:
    one = _results(tmp_path / "a" / "run", {})
    with pytest.raises(DataError, match="distinct names"):
        compare_runs([one, _results(tmp_path / "b" / "run", {})])
    with pytest.raises(DataError, match="not found"):
        compare_runs([one, tmp_path / "missing"])
    other = tmp_path / "other"
    other.mkdir()
    pd.DataFrame(
        [
            {
                "task": "incidence",
                "method": "x",
                "protocol": "lp",
                "fraction": 1.0,
                "seed": 0,
                "test_metric_test": 0.5,
            }
        ]
    ).to_csv(other / "results.csv", index=False)
    with pytest.raises(DataError, match="share no cell"):
        compare_runs([one, other])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_dashboard_serves_the_runs_studies_on_loopback(
    tiny_run: Path, tmp_path: Path, helpers: type
) -> None:
    run = helpers.copy_run(
        tiny_run, tmp_path
    )  # the journal's storage may leave a lock file beside it
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench", "dashboard", str(run), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, index = time.monotonic() + 60, None
        while time.monotonic() < deadline and index is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    index = response.read().decode()
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                time.sleep(0.5)
        assert index is not None, "the dashboard did not answer within 60 s"
        assert "<html" in index.lower()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/studies", timeout=30) as response:
            payload = json.loads(response.read().decode())
        studies = payload.get("study_summaries", payload.get("studies", []))  # renamed upstream
        names = {s["study_name"] for s in studies}
        assert names == set(pd.read_csv(tiny_run / "results.csv")["study"])
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_dashboard_without_studies_is_a_clear_error(tmp_path: Path, helpers: type) -> None:
    result = helpers.bench("dashboard", str(tmp_path), "--port", "1", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "optuna.journal not found" in result.stderr
