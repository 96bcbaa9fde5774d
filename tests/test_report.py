"""`qnet-design report`: one self-contained HTML file, checked by parsing it."""

from __future__ import annotations

import base64
import io
from html.parser import HTMLParser

import matplotlib.image as mpimg

from qnet_design import load_setup
from qnet_design.budget import budget
from qnet_design.cli import main

from .conftest import DEVICES

SETUP = DEVICES / "setups" / "cv_replication_twpa_arrays.toml"  # a full budget in ~2 s


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.external: list[str] = []
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs["src"])
        for key in ("src", "href"):
            if attrs.get(key) and not attrs[key].startswith("data:"):
                self.external.append(attrs[key])

    def handle_data(self, data):
        self.text.append(data)


def test_report_is_self_contained_and_complete(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", str(SETUP), "-o", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    page = _Collect()
    page.feed(out.read_text(encoding="utf-8"))
    text = " ".join(page.text)
    # no network: no external resource, no script
    assert page.external == [] and "script" not in page.tags and "link" not in page.tags
    # every image is an embedded PNG that decodes
    assert page.images
    for src in page.images:
        head, data = src.split(",", 1)
        assert head == "data:image/png;base64"
        pixels = mpimg.imread(io.BytesIO(base64.b64decode(data)), format="png")
        assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    # every figure of the budget, with its method and evidence; every error-budget step
    setup = load_setup(SETUP)
    b = budget(SETUP)
    for f in b.figures:
        assert f.name in text and f.method in text
    for s in b.error_budget:
        assert s.step in text
    for w in b.warnings:
        assert w in text
    # provenance, translated rates, versions and the command that reproduces the report
    for device in setup.devices.values():
        assert device.reference in text
    assert "rad/s" in text and "numpy" in text and "qutip" in text
    assert f"qnet-design report {SETUP} -o {out}" in text
    # no value written with ±: no interval or sensitivity section
    assert "Uncertainty" not in page.text and "Sensitivity" not in page.text


def test_report_of_a_setup_with_uncertainties_has_intervals_and_ranking(tmp_path):
    # the same arrays with ± on the squeezing and the hopping: intervals and the sensitivity
    # ranking appear, each as a table and an embedded plot (20 samples, no store: ~3 s)
    from qnet_design.budget.sensitivity import sensitivity
    from qnet_design.report import report

    path = tmp_path / "uncertain.toml"
    path.write_text(
        f'base = "{SETUP}"\nname = "arrays with stated uncertainties"\n'
        '[overrides.source]\nsqueezing_db = "8.686 ± 0.5 dB"\n[layout]\nhopping = "5 ± 0.25 MHz"\n'
    )
    page = _Collect()
    page.feed(report(path, tmp_path / "r.html", samples=20, store=False))
    text = " ".join(page.text)
    assert len(page.images) == 3  # budget, intervals, ranking
    for src in page.images:
        pixels = mpimg.imread(io.BytesIO(base64.b64decode(src.split(",", 1)[1])), format="png")
        assert pixels.shape[0] > 100
    assert "Monte Carlo, 20 samples, seed 0" in text and "20 of 20 samples succeeded" in text
    assert "source.squeezing_db" in text and "layout.hopping" in text
    ranking = sensitivity(load_setup(path), store=False)
    for s in ranking.ranking:
        assert s.line(ranking.figure, ranking.nominal) in text
    assert "Uncertainty" in page.text and "Sensitivity" in page.text  # the section headings


def test_report_names_sections_beyond_the_time_limit_and_is_still_written(tmp_path, monkeypatch):
    # a setup whose Monte Carlo and ranking would exceed QNET_DESIGN_MAX_SECONDS (a dual rail
    # with ± values: hours): the report keeps the budget and says why the sections are missing
    from qnet_design.report import report
    from qnet_design.runs import points

    monkeypatch.setattr(points, "max_seconds", lambda: 1e-9)
    path = tmp_path / "uncertain.toml"
    path.write_text(
        f'base = "{SETUP}"\nname = "arrays with stated uncertainties"\n'
        '[overrides.source]\nsqueezing_db = "8.686 ± 0.5 dB"\n'
    )
    page = _Collect()
    page.feed(report(path, tmp_path / "r.html", samples=20, store=False))
    text = " ".join(page.text)
    assert "Uncertainty" in page.text and "Sensitivity" in page.text
    assert text.count("not computed:") == 2 and "budgets would take" in text
    assert len(page.images) == 1 and (tmp_path / "r.html").exists()  # the budget's plot
