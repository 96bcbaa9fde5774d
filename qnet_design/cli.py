"""The ``qnet-design`` command line: parse → catalog → translate → solve → print.

Exit codes: 0 success, 2 bad input (a file, a field, an argument, a solve refused by the size
guard), 1 a failed solve (non-converged, unstable, not implemented, out of memory, an internal
error), 130 interrupted (Ctrl-C), 141 output pipe closed (``| head``; silent). Every outcome other
than success is one line on stderr, never a traceback (``QNET_DESIGN_DEBUG=1`` shows it). Every
command takes ``--json`` (which also silences the progress line) and ``--max-memory``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__, progress
from .catalog import catalog_dir, find, list_catalog
from .describe import device_lines, setup_lines, stated_uncertainties, translation_lines
from .errors import (
    DeviceFileError,
    MissingDependencyError,
    ParameterError,
    QnetError,
    SizeError,
    UnitError,
)
from .guard import ENV_MAX_MEMORY, memory_limit
from .output import check_outputs, print_json, print_result, print_table
from .runs import DASK_WORKER_TIMEOUT
from .specs.devices import load_device
from .specs.setups import load_setup
from .translate import translate

BAD_INPUT = (DeviceFileError, UnitError, ParameterError, SizeError)
EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 1, 2, 130, 141


def _cmd_devices(args: argparse.Namespace) -> int:
    folder = catalog_dir(args.catalog)
    if args.action == "show":
        if not args.name:
            raise ParameterError("`devices show` needs a NAME (see `qnet-design devices list`)")
        path = find(args.name, folder)
        if "setups" in path.parts and not args.json:
            print("\n".join(setup_lines(load_setup(path))))
            return 0
        if "setups" in path.parts:
            setup = load_setup(path)
            data = {
                "scheme": setup.scheme,
                "name": setup.name,
                "notes": setup.notes,
                "devices": {role: d.raw() for role, d in setup.devices.items()},
                "layout": {
                    k: (str(v) if v is not None and not isinstance(v, (int, float, list)) else v)
                    for k, v in setup.layout.items()
                },
                "path": str(path),
            }
        else:
            data = {**load_device(path).raw(), "path": str(path)}
        if args.json:
            print_json(data)
        else:
            print("\n".join(device_lines(load_device(path))))
        return 0
    entries = list_catalog(folder)
    rows = [
        {
            "name": e.name,
            "kind": e.kind,
            "title": e.title,
            "reference": e.reference,
            "path": str(e.path),
        }
        for e in entries
    ]
    if args.json:
        print_json(rows)
    else:
        # One terminal line per entry: the name already carries author and year, the full
        # reference is in `devices show NAME` and in --json.
        width = max(len(e.name) for e in entries)
        kind_width = max(len(e.kind) for e in entries)
        print(f"{'name':<{width}}  {'kind':<{kind_width}}  title")
        for e in entries:
            title = e.title if len(e.title) <= 72 else e.title[:71] + "…"
            print(f"{e.name:<{width}}  {e.kind:<{kind_width}}  {title}")
    return 0


def _cmd_translate(args: argparse.Namespace) -> int:
    setup = load_setup(args.setup)
    tr = translate(setup)
    if args.json:
        print_json({**tr.to_dict(), "uncertainties": stated_uncertainties(setup)})
        return 0
    print("\n".join(translation_lines(tr, setup, quiet=args.quiet)))
    sys.stdout.flush()
    for w in tr.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return 0


def _cmd_budget(args: argparse.Namespace) -> int:
    from .budget import budget

    if args.uncertainty:
        return _cmd_budget_uncertainty(args)
    setup = load_setup(args.setup)
    code = print_result(budget(setup), args, "budget_figure")
    stated = stated_uncertainties(setup)
    if stated and not args.json:
        print(
            f"± values: {len(stated)} in the files ({', '.join(stated)}); these figures are at "
            "the nominal values — `budget --uncertainty` gives their intervals"
        )
    return code


def _cmd_budget_uncertainty(args: argparse.Namespace) -> int:
    from .budget.uncertainty import uncertain_budget

    result = uncertain_budget(
        load_setup(args.setup),
        method=args.uncertainty,
        samples=args.samples,
        seed=args.seed,
        progress=not args.json and sys.stderr.isatty(),
        **_run_options(args),
    )
    return print_result(result, args, "plot_intervals")


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from .budget.sensitivity import sensitivity

    if args.sobol:
        return _cmd_sensitivity_sobol(args)
    if args.samples is not None or args.executor is not None:
        raise ParameterError("`--samples` and `--executor` apply only with `--sobol`")
    report = sensitivity(
        load_setup(args.setup),
        figure=args.figure,
        minimize=args.minimize,
        workers=args.workers,
        store=not args.no_cache,
    )
    return print_result(report, args, "plot_sensitivity")


def _cmd_sensitivity_sobol(args: argparse.Namespace) -> int:
    from .budget.sobol import sobol_indices

    if args.minimize:
        raise ParameterError(
            "`--minimize` does not apply with `--sobol` (variance has no direction)"
        )
    report = sobol_indices(
        load_setup(args.setup),
        figure=args.figure,
        samples=256 if args.samples is None else args.samples,
        seed=args.seed,
        progress=not args.json and sys.stderr.isatty(),
        **_run_options(args),
    )
    return print_result(report, args, "plot_sobol")


def _cmd_optimize(args: argparse.Namespace) -> int:
    from .budget.optimize import optimize

    result = optimize(
        load_setup(args.setup),
        args.vary,
        maximize=args.maximize,
        minimize=args.minimize,
        constraints=args.constraint or (),
        budget=args.budget,
        method=args.method,
        seed=args.seed,
        **_run_options(args),
    )
    return print_result(result, args)


def _cmd_compare(args: argparse.Namespace) -> int:
    from .budget import compare

    frame = compare([load_setup(p) for p in args.setups])
    if args.sort:
        if args.sort not in frame.columns:
            raise ParameterError(
                f"`--sort` must be one of {list(frame.columns)}, got {args.sort!r}"
            )
        frame = frame.sort_values(args.sort, ascending=False)
    if args.csv:
        frame.to_csv(args.csv, index=False)
    if args.json:
        print_json(frame.to_dict(orient="records"))
    else:
        print_table(frame, "setup")
    return 0


def _cmd_require(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .budget import require

    result = require(load_setup(args.setup), args.target, args.vary)
    if args.json:
        print_json(asdict(result))
    else:
        print(result.message)
    return 0 if result.met else 1


def _cmd_sweep(args: argparse.Namespace) -> int:
    import warnings

    from .errors import StoreWarning, SweepInterrupted
    from .runs import sweep

    if args.executor:
        import logging

        # Dask logs every lost connection on its own; the sweep's ExecutorError is the one line
        logging.getLogger("distributed").setLevel(logging.CRITICAL)
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", StoreWarning)
            frame = sweep(
                args.setup,
                args.param,
                progress=not args.json and sys.stderr.isatty(),
                worker_timeout=args.worker_timeout,
                **_run_options(args),
            )
    except SweepInterrupted as exc:
        print(exc, file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        for w in caught:  # the store's notes: what was recovered, recomputed, not cached
            if issubclass(w.category, StoreWarning):
                print(f"warning: {w.message}", file=sys.stderr)
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if args.csv:
        frame.to_csv(args.csv, index=False)
    if args.json:
        print_json(frame.to_dict(orient="records"))
    else:
        print_table(frame, frame.columns[0])
        print(f"({frame.attrs.get('n_cached', 0)} of {len(frame)} points read from the store)")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from .report import report

    setup = load_setup(args.setup)
    path = Path(args.output or f"{Path(args.setup).stem}_report.html")
    report(setup, path)
    if args.json:
        print_json({"path": str(path)})
    else:
        print(f"report written to {path}")
    return 0


def _cmd_cache(args: argparse.Namespace) -> int:
    from .errors import StoreDamagedError
    from .runs import ResultStore, default_store_path, remove_store, repair_store

    path = default_store_path()
    data: dict[str, Any]
    if args.action == "repair":
        data = {"path": str(path), "result": repair_store(path)}
    elif args.action == "clear" and args.force:
        data = {"path": str(path), "deleted files": len(remove_store(path))}
    else:
        try:
            with ResultStore(path) as store:
                if args.action == "clear":
                    data = {"path": str(path), "removed": store.clear()}
                else:
                    data = {"path": str(path), "entries": store.count()}
        except StoreDamagedError as exc:
            raise StoreDamagedError(
                f"{exc}; `qnet-design cache repair` moves it aside and starts a new store, "
                "`qnet-design cache clear --force` deletes it"
            ) from None
    if args.json:
        print_json(data)
    else:
        print(", ".join(f"{k}: {v}" for k, v in data.items()))
    return 0


class _Parser(argparse.ArgumentParser):
    """Argument errors in one line (argparse prints the whole usage block first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"error: {message} (`{self.prog} -h` lists the options)\n")


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
        prog="qnet-design",
        description="From lab device files to autonomous entanglement-distribution budgets.",
    )
    parser.add_argument("--version", action="version", version=f"qnet-design {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("devices", help="list the catalog or show one device or setup")
    p.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    p.add_argument("name", nargs="?", help="catalog name (file stem) or path, for `show`")
    p.add_argument("--catalog", help="catalog folder (default: ./devices or the repository's)")
    p.set_defaults(func=_cmd_devices)

    p = _setup_command(
        sub, "translate", "model rates of a setup in Hz, rad/s and units of γ", _cmd_translate
    )
    p.add_argument("--quiet", action="store_true", help="short form: one line per rate")

    p = _setup_command(sub, "budget", "figures of merit and error budget of a setup", _cmd_budget)
    p.add_argument(
        "--plot",
        metavar="PNG",
        help="write the budget's figure (with --uncertainty: its intervals) to this file",
    )
    p.add_argument(
        "--uncertainty",
        nargs="?",
        const="montecarlo",
        choices=["montecarlo", "linear"],
        help="propagate the values written with ± (Monte Carlo by default, or 'linear')",
    )
    p.add_argument("--samples", type=int, default=200, help="Monte Carlo samples (default 200)")
    p.add_argument("--seed", type=int, default=0, help="seed of the Monte Carlo draws")
    _add_run_options(p, executor=True)
    p.add_argument("--quiet", action="store_true", help="short form: one line per figure")

    p = _setup_command(
        sub,
        "sensitivity",
        "rank the device and layout parameters by their effect on a figure",
        _cmd_sensitivity,
    )
    p.add_argument("--figure", help="figure to rank against (default: the scheme's headline)")
    p.add_argument("--minimize", action="store_true", help="smaller is better (e.g. t_prep)")
    p.add_argument(
        "--sobol",
        action="store_true",
        help="variance-based (Sobol) indices over the values written with ± instead",
    )
    p.add_argument(
        "--samples", type=int, help="--sobol: base samples N, N(k+2) budgets (default 256)"
    )
    p.add_argument("--seed", type=int, default=0, help="--sobol: seed of the draws")
    _add_run_options(p, executor=True)
    p.add_argument(
        "--plot", metavar="PNG", help="write the ranking (or the Sobol indices) as a bar chart"
    )

    p = _setup_command(
        sub, "optimize", "best value of a figure over a box of parameters", _cmd_optimize
    )
    goal = p.add_mutually_exclusive_group(required=True)
    goal.add_argument("--maximize", metavar="FIGURE", help="figure to maximise")
    goal.add_argument("--minimize", metavar="FIGURE", help="figure to minimise")
    p.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="FIELD=LOW:HIGH[:log]",
        help="a parameter and its box, e.g. source.filter_q=1e4:1e6:log or "
        "qubit.t_phi=10 us:100 us, or values to try each, e.g. "
        "layout.permutation=identity,reversed; repeat for several",
    )
    p.add_argument("--constraint", action="append", help="e.g. 't_90<=2 us'; repeatable")
    p.add_argument("--budget", type=int, default=40, help="most budgets to spend (default 40)")
    p.add_argument("--method", choices=["local", "de"], default="local", help="search method")
    p.add_argument("--seed", type=int, default=0, help="seed of differential evolution")
    _add_run_options(p)

    p = sub.add_parser("compare", help="one row per setup: the headline figures side by side")
    p.add_argument("setups", nargs="+", help="setup files")
    p.add_argument("--sort", help="column to sort by (descending)")
    p.add_argument("--csv", metavar="PATH", help="also write the table as CSV")
    p.set_defaults(func=_cmd_compare)

    p = _setup_command(
        sub, "require", "least change of one parameter that meets a target", _cmd_require
    )
    p.add_argument(
        "--target",
        required=True,
        help="e.g. 'concurrence>=0.5', 'n_ent>=10' or 't_prep<=2 us' (a bare number is in the "
        "figure's unit)",
    )
    p.add_argument(
        "--vary",
        required=True,
        help="dotted parameter, e.g. 'source.linewidth' (scaled ×2/÷2), or with the range to "
        "search, e.g. 'layout.detuning2=-5 MHz:5 MHz' (needed for a value at 0)",
    )

    p = _setup_command(
        sub, "sweep", "headline figures over a parameter grid (cached, parallel)", _cmd_sweep
    )
    p.add_argument(
        "--param",
        action="append",
        required=True,
        metavar="PATH=START:STOP:NUM",
        help="a dotted parameter and its values, e.g. 'source.linewidth=100 MHz:1 GHz:10' "
        "(also START:STOP:NUM:log, or v1,v2,...); values of a dimensional field need a "
        "unit; repeat for a grid",
    )
    _add_run_options(p, executor=True)
    p.add_argument(
        "--worker-timeout",
        type=float,
        default=DASK_WORKER_TIMEOUT,
        metavar="SECONDS",
        help="with --executor: give up when the cluster has had no worker this long "
        f"(default {DASK_WORKER_TIMEOUT:g})",
    )
    p.add_argument("--csv", metavar="PATH", help="also write the table as CSV")

    p = _setup_command(
        sub, "report", "a self-contained HTML feasibility report of a setup", _cmd_report
    )
    p.add_argument(
        "-o", "--output", metavar="HTML", help="output file (default: <setup>_report.html)"
    )

    p = sub.add_parser("cache", help="the local results store: show, clear or repair it")
    p.add_argument(
        "action",
        nargs="?",
        choices=["info", "show", "clear", "repair"],
        default="info",
        help="info (or show): path and entries; clear: delete every entry; repair: drop rows "
        "failing their checksum, or move a damaged file aside and start a new store",
    )
    p.add_argument(
        "--force", action="store_true", help="with clear: delete the file even if it is damaged"
    )
    p.set_defaults(func=_cmd_cache)
    _add_common_options(parser, sub)
    return parser


def _setup_command(sub: Any, name: str, text: str, func: Any) -> argparse.ArgumentParser:
    """A command whose first argument is one setup file."""
    p = sub.add_parser(name, help=text)
    p.add_argument("setup", help="setup file (devices/setups/*.toml)")
    p.set_defaults(func=func)
    return p


def _add_run_options(p: argparse.ArgumentParser, executor: bool = False) -> None:
    """Where a command's budgets run and whether they are cached (see :func:`_run_options`)."""
    p.add_argument("--workers", type=int, default=1, help="local worker processes")
    if executor:
        p.add_argument("--executor", help="dask://HOST:PORT to run on a Dask cluster")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the store")


def _run_options(args: argparse.Namespace) -> dict[str, Any]:
    """``workers``, ``store`` (and ``executor`` where the command has it) from the options of
    :func:`_add_run_options`."""
    options: dict[str, Any] = {"workers": args.workers, "store": not args.no_cache}
    if "executor" in vars(args):
        options["executor"] = args.executor
    return options


def _add_common_options(parser: argparse.ArgumentParser, sub: Any) -> None:
    """``--json`` on every command; ``--max-memory`` before or after the command name."""
    text = (
        f"refuse solves whose estimated peak memory exceeds this, e.g. '8 GiB' "
        f"(default: env {ENV_MAX_MEMORY}, else 16 GiB or 3/4 of the machine's memory)"
    )
    parser.add_argument("--max-memory", metavar="SIZE", help=text)
    for command in sub.choices.values():
        command.add_argument("--json", action="store_true", help="machine-readable output")
        command.add_argument("--max-memory", metavar="SIZE", default=argparse.SUPPRESS, help=text)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _run(args: argparse.Namespace) -> int:
    with memory_limit(args.max_memory), progress.switched(not getattr(args, "json", False)):
        check_outputs(args)
        return int(args.func(args))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code (see the module docstring).

    The one place that turns every failure into one line on stderr and an exit code.
    """
    args = build_parser().parse_args(argv)
    message, code = "", 0
    try:
        return _run(args)
    except (*BAD_INPUT, MissingDependencyError) as exc:
        message, code = _one_line(exc), EXIT_BAD_INPUT
    except QnetError as exc:  # ConvergenceError, UnstableError, not implemented, ...
        message, code = _one_line(exc), EXIT_FAILED
    except UnicodeError as exc:
        message = f"a file is not UTF-8 text ({_one_line(exc)}); give a TOML text file"
        code = EXIT_BAD_INPUT
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):  # the reader closed the pipe (`| head`): stop quietly
            _silence_stdout()
            return EXIT_BROKEN_PIPE
        where = f": {exc.filename}" if exc.filename else ""
        message, code = f"{exc.strerror or _one_line(exc)}{where}", EXIT_BAD_INPUT
    except KeyboardInterrupt:
        message, code = "interrupted", EXIT_INTERRUPTED
    except MemoryError as exc:  # numpy's ArrayMemoryError too: the size guard under-estimated
        message = (
            f"out of memory ({_one_line(exc)}); make the problem smaller or lower --max-memory "
            "so that the size guard refuses it up front"
        )
        code = EXIT_FAILED
    except ArithmeticError as exc:  # overflow the input checks did not catch
        message, code = f"numerical failure: {type(exc).__name__}: {_one_line(exc)}", EXIT_FAILED
    except Exception as exc:
        if os.environ.get("QNET_DESIGN_DEBUG"):
            raise
        message = (
            f"internal error, please report it: {type(exc).__name__}: {_one_line(exc)} "
            "(QNET_DESIGN_DEBUG=1 shows the traceback)"
        )
        code = EXIT_FAILED
    finally:
        progress.clear()
    if os.environ.get("QNET_DESIGN_DEBUG") and code != EXIT_INTERRUPTED:
        import traceback

        traceback.print_exc()
    print(f"error: {message}", file=sys.stderr)
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
