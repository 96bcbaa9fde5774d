"""The best design within the knobs a lab has: bounded optimisation of a headline figure.

``optimize(setup, maximize="concurrence", vary={"source.filter_q": (1e4, 1e6, "log")},
constraints=["t_90<=2 us"], budget=40)`` searches the box of the varied parameters (SI units,
dB for losses; ``log`` searches the logarithm; ``layout.positions[1]`` is one element of a
list-valued layout key) and checks the answer:

1. the **search** (about 2/3 of the budget): ``method="local"`` budgets a grid of cell centres
   (g^d points, g ≥ 2) and runs bounded Brent (one parameter) or bounded Nelder–Mead (several)
   from its best point; ``method="de"`` runs SciPy's differential evolution on the whole box
   and refines its best point the same way;
2. the **check**: an independent coarse grid of nodes (g ≥ 3 per parameter, the box's edges
   included, g^d ≤ budget/3) is budgeted after the search, which never saw it; the result says
   whether the optimum beats every feasible grid point (ties within 10⁻⁶ relative) and names
   the best grid point. A search that missed a better grid point (a multimodal figure) is
   reported as such, not corrected silently.

Discrete parameters (``"layout.permutation=identity,reversed"``, ``"layout.sites=2,3,4"``:
values, no ``:``) are tried each: the box search above runs once per combination of values,
with an equal share of the budget, and the best combination wins.

Every budget is cached (in memory and in the store), so re-runs and repeated points are free.
Constraints (``"t_90<=2 us"``: a figure, a comparison and a value in any unit of that figure)
are penalties: an infeasible point scores below every feasible one. The result states the
optimum in lab units, the figure there, the budgets spent, the grid check, and which
parameters sit on a bound of their box.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize as sopt

from ..errors import ParameterError
from ..runs.points import FAILED, check_run_time, evaluate_points, open_store, timed_nominal
from ..runs.store import ResultStore
from ..specs.setups import SetupSpec
from .search_space import Choice, Constraint, Variable, parse_constraint, parse_vary

#: score of an infeasible point (minus its violation) and of a failed budget
INFEASIBLE = -1e6
FAILED_SCORE = -1e9
#: relative difference below which the optimum and a grid point tie
_TIE = 1e-6


@dataclass(frozen=True)
class OptimizeResult:
    """The optimum found, how it was found, and a check against the coarse grid."""

    setup: str
    figure: str
    maximize: bool
    variables: tuple[Variable | Choice, ...]
    optimum: Mapping[str, Any]
    value: float
    figures: Mapping[str, float]
    constraints: tuple[Constraint, ...]
    evaluations: int
    grid_best: Mapping[str, Any]
    grid_value: float
    grid_points: int
    at_bound: tuple[str, ...] = ()
    failed: int = 0
    method: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def beats_grid(self) -> bool:
        """The optimum is at least as good as every feasible point of the independent coarse
        grid (ties within 10⁻⁶ relative: the search resolves the optimum to ~10⁻⁵ of the box)."""
        if math.isnan(self.grid_value):  # no feasible grid point
            return True
        sign = 1.0 if self.maximize else -1.0
        return sign * (self.value - self.grid_value) >= -_TIE * max(1.0, abs(self.value))

    def __str__(self) -> str:
        goal = "maximum" if self.maximize else "minimum"
        lines = [f"{self.setup}: {goal} of {self.figure} ({self.method})", ""]
        for v in self.variables:
            flag = "  (on a bound of the box)" if v.path in self.at_bound else ""
            lines.append(f"  {v.path} = {v.show(self.optimum[v.path])}{flag}")
        lines.append(f"  {self.figure} = {self.value:.6g}")
        for c in self.constraints:
            lines.append(
                f"  constraint {c.text}: {c.figure} = {self.figures[c.figure]:.4g} (holds)"
            )
        check = "beats" if self.beats_grid else "does NOT beat"
        best = ", ".join(f"{v.path} = {v.show(self.grid_best[v.path])}" for v in self.variables)
        lines.append(
            f"\n{self.evaluations} budgets ({self.failed} failed); the optimum {check} every "
            f"feasible point of an independent {self.grid_points}-point coarse grid (best "
            f"there {self.figure} = {self.grid_value:.6g} at {best})"
        )
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "setup": self.setup,
            "figure": self.figure,
            "goal": "maximize" if self.maximize else "minimize",
            "optimum": dict(self.optimum),
            "units": {v.path: v.unit for v in self.variables},
            "value": self.value,
            "figures": dict(self.figures),
            "constraints": [c.text for c in self.constraints],
            "evaluations": self.evaluations,
            "failed": self.failed,
            "grid": {
                "points": self.grid_points,
                "best": dict(self.grid_best),
                "value": self.grid_value,
            },
            "beats_grid": self.beats_grid,
            "at_bound": list(self.at_bound),
            "method": self.method,
            "notes": list(self.notes),
        }


class _Objective:
    """Score of a point in normalised coordinates, every budget cached by its point."""

    def __init__(
        self,
        setup: SetupSpec,
        variables: Sequence[Variable],
        figure: str,
        maximize: bool,
        constraints: Sequence[Constraint],
        run: dict[str, Any],
        fixed: Mapping[str, Any] | None = None,
    ):
        self.setup, self.variables, self.figure = setup, variables, figure
        self.fixed = dict(fixed or {})  # the discrete choices of this search
        self.sign = 1.0 if maximize else -1.0
        self.constraints, self.run = constraints, run
        self.cache: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.failed = 0

    def point(self, u: Any) -> dict[str, Any]:
        box = {v.path: v.value(float(x)) for v, x in zip(self.variables, u, strict=True)}
        return {**self.fixed, **box}

    def records(self, us: Any) -> list[dict[str, Any]]:
        points = [self.point(u) for u in us]
        todo = [p for p in points if tuple(p.values()) not in self.cache]
        if todo:
            frame = evaluate_points(self.setup, todo, **self.run)
            for p, row in zip(todo, frame.to_dict("records"), strict=True):
                self.cache[tuple(p.values())] = row
                self.failed += bool(row.get(FAILED))
        return [self.cache[tuple(p.values())] for p in points]

    def score(self, record: Mapping[str, Any]) -> float:
        value = record.get(self.figure, math.nan)
        if record.get(FAILED) or not math.isfinite(value):
            return FAILED_SCORE
        miss = sum(c.violation(record) for c in self.constraints)
        if miss > 0:
            return INFEASIBLE - min(miss, 1e5)
        return self.sign * value

    def __call__(self, u: Any) -> float:
        return -self.score(self.records([u])[0])  # scipy minimises


def _simplex(best: np.ndarray, size: float) -> np.ndarray:
    """Nelder–Mead's first simplex: ``best`` and one step of ``size`` along each axis (inward)."""
    vertices = [best]
    for axis in np.eye(len(best)):
        step = size * axis
        vertices.append(best + step if best @ axis + size <= 1.0 else best - step)
    return np.array(vertices)


def _grid(g: int, d: int, *, centred: bool = False) -> np.ndarray:
    """g^d points of the unit box: nodes 0 … 1 (edges included), or the cell centres."""
    axis = (np.arange(g) + 0.5) / g if centred else np.linspace(0.0, 1.0, g)
    return np.array(np.meshgrid(*[axis] * d, indexing="ij")).reshape(d, -1).T


def _per_axis(d: int, points: float, least: int) -> int:
    """The largest g >= ``least`` with g^d <= ``points`` (``least`` if none)."""
    g = least
    while (g + 1) ** d <= points:
        g += 1
    return g


def coarse_grid(d: int, budget: int) -> np.ndarray:
    """The check grid: g ≥ 3 nodes per parameter, edges included, g^d ≤ budget/3."""
    return _grid(_per_axis(d, budget / 3, 3), d)


def _refine(
    objective: _Objective, best: np.ndarray, value: float, cell: float, budget: int
) -> np.ndarray:
    """Bounded Brent (d = 1) or Nelder–Mead from ``best`` (score ``value``), steps ~ ``cell``;
    coordinates ending within half a cell of the box's edge are tried on the edge itself (a
    figure monotone up to a bound, where Brent's steps only creep towards it)."""
    left = max(1, budget - len(objective.cache) - 1)  # one evaluation kept for the edge
    if len(best) == 1:
        res = sopt.minimize_scalar(
            lambda u: objective([u]),
            bounds=(max(best[0] - cell, 0.0), min(best[0] + cell, 1.0)),
            method="bounded",
            options={"maxiter": left, "xatol": 1e-5},
        )
        u, found = np.array([res.x]), -float(res.fun)
    else:
        res = sopt.minimize(
            objective,
            best,
            method="Nelder-Mead",
            bounds=[(0.0, 1.0)] * len(best),
            options={
                "maxfev": left,
                "xatol": 1e-5,
                "fatol": 1e-10,
                "initial_simplex": _simplex(best, 0.5 * cell),
            },
        )
        u, found = np.asarray(res.x, dtype=float), -float(res.fun)
    if found < value:  # the local search may end worse than its own start
        u, found = best, value
    near = min(cell, 0.5) / 2  # within half a start cell of an edge: try the edge itself
    edge = np.where(u < near, 0.0, np.where(u > 1 - near, 1.0, u))
    if np.any(edge != u) and len(objective.cache) < budget and -objective(edge) >= found:
        u = edge
    return u


def search(objective: _Objective, d: int, budget: int, method: str, seed: int) -> np.ndarray:
    """The best normalised point a search finds with at most ``budget`` evaluations.

    ``"local"``: the best of a grid of cell centres (never the check grid's nodes), then bounded
    Brent (d = 1) or bounded Nelder–Mead around it. ``"de"``: SciPy's differential evolution on
    the whole box with 2/3 of the budget, then the same local refinement from its best point.
    Neither sees the coarse check grid (:func:`coarse_grid`).
    """
    if method == "de":
        popsize = 5
        res = sopt.differential_evolution(
            objective,
            [(0.0, 1.0)] * d,
            maxiter=max(1, (2 * budget) // (3 * popsize * d) - 1),
            popsize=popsize,
            seed=seed,
            polish=False,
        )
        best, value, cell = np.asarray(res.x, dtype=float), -float(res.fun), 0.1
    else:
        g = _per_axis(d, budget / 2, 2)
        start = _grid(g, d, centred=True)
        scores = [objective.score(r) for r in objective.records(start)]
        best, value, cell = start[int(np.argmax(scores))], max(scores), 1.0 / g
    return _refine(objective, best, value, cell, budget)


def optimize(
    setup: SetupSpec,
    vary: Sequence[str] | Mapping[str, tuple[float, float] | tuple[float, float, str]],
    *,
    maximize: str | None = None,
    minimize: str | None = None,
    constraints: Sequence[str] = (),
    budget: int = 40,
    method: str = "local",
    seed: int = 0,
    workers: int = 1,
    store: ResultStore | str | bool | None = True,
) -> OptimizeResult:
    """Best value of a figure over a box of parameters (module docstring).

    Parameters
    ----------
    setup
        The setup; parameters not varied keep their values.
    vary
        ``["source.filter_q=1e4:1e6:log", "qubit.t_phi=10 us:100 us"]`` or
        ``{"source.filter_q": (1e4, 1e6, "log")}`` (bounds in SI units, dB for losses).
    maximize, minimize
        The figure (exactly one of the two).
    constraints
        ``["t_90<=2 us", ...]``: figure, comparison, value in any unit of that figure.
    budget
        Most budgets to spend (search and check grid), ≥ 2·3^d.
    method
        ``"local"`` (cell-centre grid, then Brent / Nelder–Mead from its best point) or
        ``"de"`` (differential evolution); either is checked against the coarse grid.

    Raises
    ------
    ParameterError
        Unknown, non-numeric or repeated field; inverted bounds; unknown figure; a budget too
        small; a constraint that holds at no point tried.
    SizeError
        ``budget`` budgets as long as the nominal one would exceed the time limit.
    """
    if (maximize is None) == (minimize is None):
        raise ParameterError("give exactly one of `maximize` and `minimize`")
    figure = str(maximize if maximize is not None else minimize)
    if method not in ("local", "de"):
        raise ParameterError(f"`method` must be 'local' or 'de', got {method!r}")
    specs = (
        [f"{k}={v[0]!r}:{v[1]!r}" + (f":{v[2]}" if len(v) > 2 else "") for k, v in vary.items()]
        if isinstance(vary, Mapping)
        else list(vary)
    )
    if not specs:
        raise ParameterError("give at least one `--vary FIELD=LOW:HIGH`")
    variables = tuple(parse_vary(setup, s) for s in specs)
    if len({v.path for v in variables}) < len(variables):
        raise ParameterError("`--vary` names the same parameter twice")
    boxes = tuple(v for v in variables if isinstance(v, Variable))
    choices = [v for v in variables if isinstance(v, Choice)]
    combos = [
        dict(zip([c.path for c in choices], values, strict=True))
        for values in itertools.product(*(c.values for c in choices))
    ]
    d = len(boxes)
    need = (2 * 3**d if d else 1) * len(combos)
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < need:
        raise ParameterError(
            f"`budget` must be an integer >= {need} for {d} range(s) and {len(combos)} "
            "combination(s) of values"
        )
    what = f"optimize over {len(variables)} parameter(s)", "give a smaller --budget"
    nominal, timed = timed_nominal(setup, *what, {"workers": workers, "seed": seed})
    check_run_time(timed, budget, workers if method == "de" else 1)  # at most `budget`
    units = {f.name: f.unit for f in nominal.figures}
    if figure not in units:
        raise ParameterError(
            f"the figure to optimise must be one of {', '.join(units)}, got {figure!r}"
        )
    parsed = tuple(parse_constraint(c, units) for c in constraints)
    with_store = open_store(store)
    searches = []  # (objective, best u, its record, grid, grid records) per combination
    try:
        run = {"workers": workers, "store": with_store}
        share = budget // len(combos)
        for fixed in combos:
            objective = _Objective(setup, boxes, figure, maximize is not None, parsed, run, fixed)
            if d:
                grid = coarse_grid(d, share)
                u = search(objective, d, share - len(grid), method, seed)
            else:
                u, grid = np.zeros(0), np.zeros((1, 0))
            # the check grid is evaluated after, and apart from, the search (cached: free on
            # a re-run); the search never saw it, so "beats the grid" can fail
            grid_records = objective.records(grid)
            searches.append((objective, u, objective.records([u])[0], grid, grid_records))
    finally:
        if isinstance(with_store, ResultStore):
            with_store.close()
    objective, u, record, _, _ = max(searches, key=lambda x: x[0].score(x[2]))
    grid_points = [
        (o.point(g), r) for o, _, _, grid, rs in searches for g, r in zip(grid, rs, strict=True)
    ]
    grid_best, grid_record = max(grid_points, key=lambda pr: objective.score(pr[1]))
    feasible_grid = objective.score(grid_record) > INFEASIBLE / 2
    evaluations = sum(len(o.cache) for o, *_ in searches)
    if objective.score(record) <= INFEASIBLE / 2:
        shown = ", ".join(
            f"{c.figure} = {min(r.get(c.figure, math.nan) for _, r in grid_points):.4g}"
            for c in parsed
        )
        raise ParameterError(
            f"no point tried satisfies {' and '.join(c.text for c in parsed) or 'the budget'} "
            f"({evaluations} budgets; smallest on the grid: {shown or 'all failed'})"
        )
    at_bound = tuple(v.path for v, x in zip(boxes, u, strict=True) if x <= 1e-3 or x >= 1 - 1e-3)
    notes = []
    result_score = objective.score(record)
    if feasible_grid and result_score < objective.score(grid_record) - _TIE * max(
        1.0, abs(result_score)
    ):
        shown = ", ".join(f"{v.path} = {v.show(grid_best[v.path])}" for v in variables)
        notes.append(
            f"the search missed a better point of the coarse grid ({shown}): try "
            "`--method de`, a larger `--budget` or a box around that point"
        )
    if at_bound:
        notes.append("an optimum on the edge of the box: widen the bounds to see beyond it")
    if not d:
        how = "each value budgeted"
    elif method == "de":
        how = "differential evolution, then a local refinement"
    else:
        local = "bounded Brent" if d == 1 else "bounded Nelder-Mead"
        how = f"best cell centre of a grid, then {local} from it"
    if len(combos) > 1:
        how = f"{len(combos)} combinations of values, each: {how}"
    return OptimizeResult(
        setup.name,
        figure,
        maximize is not None,
        variables,
        objective.point(u),
        float(record[figure]),
        {k: float(v) for k, v in record.items() if isinstance(v, (int, float))},
        parsed,
        evaluations,
        grid_best,
        float(grid_record.get(figure, math.nan)) if feasible_grid else math.nan,
        len(grid_points),
        at_bound,
        sum(o.failed for o, *_ in searches),
        how,
        tuple(notes),
    )


__all__ = [
    "Choice",
    "Constraint",
    "OptimizeResult",
    "Variable",
    "optimize",
    "parse_constraint",
    "parse_vary",
    "search",
]
