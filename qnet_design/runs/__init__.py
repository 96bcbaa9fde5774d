"""Run infrastructure: where evaluations run, how their results are kept, and sweeps.

- :mod:`~qnet_design.runs.executors`: in-process, process-pool or Dask evaluation
  (:func:`run_tasks`).
- :mod:`~qnet_design.runs.keys` and :mod:`~qnet_design.runs.store`: what a result is keyed by
  (:func:`store_key`, :func:`code_fingerprint`) and the SQLite results store
  (:class:`ResultStore`).
- :mod:`~qnet_design.runs.grids`: ``--param`` specs and grids of points (:func:`grid_points`).
- :mod:`~qnet_design.runs.sweeps`: :func:`run_sweep`, any function over a grid, resumable.
- :mod:`~qnet_design.runs.setup_sweep`: :func:`qnet_design.sweep`, budgets of one setup over a
  grid, computed from one frozen snapshot (:func:`freeze`, :func:`thaw`).
- Their errors and warnings (:class:`~qnet_design.errors.ExecutorError`,
  :class:`~qnet_design.errors.StoreError`, :class:`~qnet_design.errors.StoreWarning`,
  :class:`~qnet_design.errors.SweepInterrupted`, ...) live in :mod:`qnet_design.errors`.
- :mod:`~qnet_design.runs.points`: headline budgets at override points, the runner of the
  uncertainty, sensitivity and optimisation tools (:func:`evaluate_points`).
"""

from .executors import (
    DASK_WORKER_TIMEOUT as DASK_WORKER_TIMEOUT,
    TaskStream as TaskStream,
    parse_dask_address as parse_dask_address,
    run_tasks as run_tasks,
)
from .grids import (
    grid_points as grid_points,
    parse_param_spec as parse_param_spec,
    split_quantity as split_quantity,
)
from .keys import (
    canonical_json as canonical_json,
    code_fingerprint as code_fingerprint,
    store_key as store_key,
)
from .points import evaluate_points as evaluate_points
from .setup_sweep import (
    freeze as freeze,
    point_key as point_key,
    resolved_setup as resolved_setup,
    sweep as sweep,
    thaw as thaw,
)
from .store import (
    ResultStore as ResultStore,
    default_store_path as default_store_path,
    move_aside as move_aside,
    remove_store as remove_store,
    repair_store as repair_store,
)
from .sweeps import run_sweep as run_sweep

__all__ = [
    "DASK_WORKER_TIMEOUT",
    "ResultStore",
    "TaskStream",
    "canonical_json",
    "code_fingerprint",
    "default_store_path",
    "evaluate_points",
    "freeze",
    "grid_points",
    "move_aside",
    "parse_dask_address",
    "parse_param_spec",
    "point_key",
    "remove_store",
    "repair_store",
    "resolved_setup",
    "run_sweep",
    "run_tasks",
    "store_key",
    "sweep",
    "thaw",
]
