"""A self-contained HTML feasibility report of one setup (``qnet-design report SETUP``).

One file a physicist can mail or archive: the setup and its devices with provenance (file,
reference, notes, fields as written, which the setup overrides), the translated rates (Hz,
rad/s, units of the reference rate) and dimensionless parameters, every figure of merit with its
unit, method and convergence evidence, the error budget as a table and as a plot, all warnings,
the timings, the versions of the packages that computed it and the command that reproduces it.
A setup with values written ``± σ`` also gets its figures with 68 %/95 % intervals (Monte Carlo,
:mod:`qnet_design.budget.uncertainty`) and the sensitivity ranking of its parameters
(:mod:`qnet_design.budget.sensitivity`), each as a table and a plot. Images are embedded as
base64 PNG and there is no script, stylesheet or font from the network: the file opens offline.
"""

from __future__ import annotations

import base64
import html
import io
import platform
import shlex
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .budget import Budget, budget as compute_budget
from .budget._types import NO_TRUNCATION, format_value
from .describe import device_fields, layout_fields
from .errors import SizeError
from .specs.setups import SetupSpec, load_setup
from .translate import Translation, translate

if TYPE_CHECKING:
    from .budget.sensitivity import SensitivityReport
    from .budget.uncertainty import UncertainBudget

#: packages whose versions the report lists (the numerics behind every figure)
PACKAGES = ("numpy", "scipy", "qutip", "pandas", "pint", "matplotlib")

_STYLE = """
body { font-family: sans-serif; max-width: 70em; margin: 2em auto; line-height: 1.4; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-family: monospace; }
.override { color: #a40; } .warn { color: #a00; } .small { font-size: 0.85em; color: #555; }
code, pre { background: #f6f6f6; padding: 0.1em 0.3em; }
img { max-width: 100%; }
"""


def _e(value: Any) -> str:
    return html.escape(str(value))


def _table(
    header: Sequence[str], rows: Iterable[Sequence[Any]], numeric: Sequence[int] = ()
) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for k, cell in enumerate(row):
            cls = ' class="num"' if k in numeric else ""
            cells.append(f"<td{cls}>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def png_data_uri(fig: Any, dpi: int = 100) -> str:
    """A matplotlib figure as a ``data:image/png;base64,…`` URI."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def versions() -> dict[str, str]:
    """qnet-design, Python and the numerical packages, as installed."""
    out = {"qnet-design": __version__, "python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _setup_section(setup: SetupSpec) -> str:
    parts = [f"<p>scheme <code>{_e(setup.scheme)}</code>"]
    if setup.path is not None:
        parts.append(f", file <code>{_e(setup.path)}</code>")
    parts.append("</p>")
    if setup.notes:
        parts.append(f"<p class='small'>{_e(setup.notes)}</p>")
    for role, device in setup.devices.items():
        file = setup.sources.get(role)
        parts.append(f"<h3>{_e(role)}: {_e(device.name)} <small>[{_e(device.kind)}]</small></h3>")
        if file is not None:
            parts.append(f"<p class='small'>file <code>{_e(file)}</code></p>")
        parts.append(f"<p class='small'><b>reference:</b> {_e(device.reference)}</p>")
        if device.notes:
            parts.append(f"<p class='small'><b>notes:</b> {_e(device.notes)}</p>")
        rows = [
            (
                f"<code>{_e(f.key)}</code>",
                _e(f.value),
                "<span class='override'>set by the setup</span>" if f.overridden else "device file",
            )
            for f in device_fields(device, file)
        ]
        parts.append(_table(("field", "value as written", "from"), rows))
    layout = [(f"<code>{_e(f.key)}</code>", _e(f.value)) for f in layout_fields(setup)]
    if layout:
        parts.append("<h3>layout</h3>" + _table(("field", "value"), layout))
    return "".join(parts)


def _translation_section(tr: Translation) -> str:
    ref = tr.reference
    parts = [
        f"<p>Reference rate {_e(ref.symbol)} = 2π × {ref.hz:.6g} Hz = {ref.angular:.6g} rad/s "
        "(the model's unit of rate and of inverse time).</p>"
    ]
    rows = [
        (
            f"<code>{_e(r.name)}</code>",
            _e(r.symbol),
            f"{r.hz:.6g}",
            f"{r.angular:.6g}",
            f"{tr.dimensionless(r):.6g}",
            _e(r.note),
        )
        for r in tr.rates
    ]
    header = ("rate", "symbol", "Γ/2π (Hz)", "Γ (rad/s)", f"Γ/{ref.symbol}", "how obtained")
    parts.append(_table(header, rows, numeric=(2, 3, 4)))
    params = [
        (f"<code>{_e(p.name)}</code>", _e(p.symbol), _e(p.value), _e(p.note)) for p in tr.parameters
    ]
    parts.append("<h3>dimensionless parameters</h3>")
    parts.append(_table(("parameter", "symbol", "value", "note"), params))
    return "".join(parts)


def _figures_section(b: Budget) -> str:
    rows = [
        (
            f"<code>{_e(f.name)}</code>",
            _e(format_value(f.value, 6)),
            _e(f.unit),
            _e(f.method),
            "yes" if f.converged else "<span class='warn'>NO</span>",
            _e(f.evidence or NO_TRUNCATION),
            _e(f.note),
        )
        for f in b.figures
    ]
    header = ("figure", "value", "unit", "method", "converged", "evidence", "note")
    return _table(header, rows, numeric=(1,))


def _budget_section(b: Budget) -> str:
    parts = []
    if b.error_budget:
        parts.append(
            "<p>The headline figure as the setup's imperfections are switched on one at a time, "
            "cumulatively, in the scheme's documented order, starting from the ideal setup.</p>"
        )
        rows = [(_e(s.step), _e(s.figure), _e(format_value(s.value, 6))) for s in b.error_budget]
        parts.append(_table(("step", "figure", "value"), rows, numeric=(2,)))
    parts.append(_image(b.plot(), f"profiles and error budget of {b.setup}"))
    return "".join(parts)


def _image(fig: Any, alt: str) -> str:
    """``fig`` embedded as a PNG (and closed)."""
    import matplotlib.pyplot as plt

    try:
        return f"<p><img alt='{_e(alt)}' src='{png_data_uri(fig)}'></p>"
    finally:
        plt.close(fig)


def _uncertainty_section(u: UncertainBudget) -> str:
    from .plotting import plot_intervals

    parts = [
        f"<p>{_e(u.method)}, propagating the values written with ±:</p>",
        "<ul>" + "".join(f"<li><code>{_e(p)}</code></li>" for p in u.inputs) + "</ul>",
    ]
    rows = [
        (
            f"<code>{_e(i.figure)}</code>",
            _e(format_value(i.nominal, 6)),
            _e(format_value(i.median, 6)),
            _e(f"[{format_value(i.low68)}, {format_value(i.high68)}]"),
            _e(f"[{format_value(i.low95)}, {format_value(i.high95)}]"),
            _e(i.unit),
            _e(i.n),
        )
        for i in u.intervals
    ]
    header = ("figure", "nominal", "median", "68 % interval", "95 % interval", "unit", "values")
    parts.append(_table(header, rows, numeric=(1, 2)))
    if u.n_samples:
        parts.append(f"<p>{u.n_samples - u.n_failed} of {u.n_samples} samples succeeded.</p>")
    parts += [f"<p class='warn'>failed ({n}): {_e(why)}</p>" for why, n in u.failures.items()]
    parts.append(_image(plot_intervals(u), f"intervals of the figures of {u.setup}"))
    return "".join(parts)


def _or_reason(result: Any, section: Any) -> str:
    """The section of a computed result; the reason it was not computed (a string); or ""."""
    if result is None:
        return ""
    return (
        f"<p class='warn'>not computed: {_e(result)}</p>"
        if isinstance(result, str)
        else section(result)
    )


def _sensitivity_section(s: SensitivityReport) -> str:
    from .plotting import plot_sensitivity

    lines = "".join(f"<li>{_e(x.line(s.figure, s.nominal))}</li>" for x in s.ranking)
    parts = [
        f"<p>{_e(s.figure)} = {_e(format_value(s.nominal))} {_e(s.unit)} now; the figure after "
        "one realistic improvement of each parameter, largest effect first "
        f"({s.evaluations} budgets):</p><ol>{lines}</ol>"
    ]
    parts += [f"<p class='small'>not ranked: {_e(why)}</p>" for why in s.not_ranked]
    parts.append(_image(plot_sensitivity(s), f"sensitivity ranking of {s.setup}"))
    return "".join(parts)


def render(
    setup: SetupSpec,
    tr: Translation,
    b: Budget,
    *,
    command: str | None = None,
    created: datetime | None = None,
    uncertain: UncertainBudget | str | None = None,
    ranking: SensitivityReport | str | None = None,
) -> str:
    """The report of already computed results as one HTML string (no solve happens here);
    ``uncertain`` and ``ranking`` add the intervals and the sensitivity sections (a string:
    why they were not computed, e.g. the run-time guard's line)."""
    created = created or datetime.now(UTC)
    warnings = "".join(f"<li class='warn'>{_e(w)}</li>" for w in b.warnings)
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in b.timings.items())
    version_rows = [(_e(k), _e(v)) for k, v in versions().items()]
    sections = [
        f"<h1>Feasibility report: {_e(setup.name)}</h1>",
        f"<p class='small'>qnet-design {_e(__version__)}, {created:%Y-%m-%d %H:%M} UTC.</p>",
        "<h2>Figures of merit</h2>",
        _figures_section(b),
        "<h2>Warnings</h2>",
        f"<ul>{warnings}</ul>" if warnings else "<p>none</p>",
        "<h2>Error budget</h2>",
        _budget_section(b),
        "<h2>Uncertainty</h2>" if uncertain is not None else "",
        _or_reason(uncertain, _uncertainty_section),
        "<h2>Sensitivity</h2>" if ranking is not None else "",
        _or_reason(ranking, _sensitivity_section),
        "<h2>Setup and devices</h2>",
        _setup_section(setup),
        "<h2>Translated model</h2>",
        _translation_section(tr),
        "<h2>Reproduce</h2>",
        f"<pre>{_e(command or reproduce_command(setup))}</pre>",
        f"<p class='small'>computed in {_e(timings)}</p>" if timings else "",
        "<h3>versions</h3>",
        _table(("package", "version"), version_rows),
    ]
    body = "\n".join(s for s in sections if s)
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head><meta charset='utf-8'>"
        f"<title>{_e(setup.name)}: feasibility report</title><style>{_STYLE}</style></head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def reproduce_command(setup: SetupSpec, output: str | Path | None = None) -> str:
    """The shell command that writes this report again."""
    words = ["qnet-design", "report", str(setup.path) if setup.path else "SETUP"]
    if output is not None:
        words += ["-o", str(output)]
    return shlex.join(words)


def report(
    setup: SetupSpec | str | Path,
    path: str | Path | None = None,
    *,
    samples: int = 200,
    store: Any = True,
) -> str:
    """Compute the setup's full budget and return (and, with ``path``, write) the HTML report.

    A setup with ± values also gets a Monte Carlo budget with intervals (``samples`` draws,
    seed 0) and the sensitivity ranking of its headline figure; ``store`` as for
    :func:`qnet_design.sweep` (repeated reports read the samples back).
    """
    from .budget.sensitivity import sensitivity
    from .budget.uncertainty import uncertain_budget, uncertain_inputs

    spec = setup if isinstance(setup, SetupSpec) else load_setup(setup)
    tr = translate(spec)
    b = compute_budget(spec)
    uncertain: UncertainBudget | str | None = None
    ranking: SensitivityReport | str | None = None
    if uncertain_inputs(spec):  # a run beyond the time limit is named, the report still written
        try:
            uncertain = uncertain_budget(spec, samples=samples, store=store)
        except SizeError as exc:
            uncertain = str(exc)
        try:
            ranking = sensitivity(spec, store=store)
        except SizeError as exc:
            ranking = str(exc)
    text = render(
        spec,
        tr,
        b,
        command=reproduce_command(spec, path),
        uncertain=uncertain,
        ranking=ranking,
    )
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
