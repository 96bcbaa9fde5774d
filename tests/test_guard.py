"""The size guard, the progress line and the CLI's one-line failures (exit codes, no traceback)."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys

import pytest

from qnet_design import cli, progress
from qnet_design.errors import QnetError, SizeError
from qnet_design.guard import (
    ENV_MAX_MEMORY,
    check_size,
    format_bytes,
    max_memory,
    memory_limit,
    parse_memory,
)

from .conftest import DEVICES, ROOT

SETUP = str(DEVICES / "setups" / "thermal_link_transmon.toml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("8 GiB", 8 * 2**30), ("500 MB", 5e8), ("2e9", 2e9), ("1.5gib", 1.5 * 2**30), (4096, 4096)],
)
def test_parse_memory(text, expected):
    assert parse_memory(text) == expected


@pytest.mark.parametrize("text", ["lots", "8 GHz", "-1 GiB", "0", "nan", float("inf")])
def test_parse_memory_refuses(text):
    with pytest.raises(SizeError):
        parse_memory(text)


def test_check_size_passes_under_and_refuses_over_the_limit(monkeypatch):
    monkeypatch.setenv(ENV_MAX_MEMORY, "1 GiB")
    assert max_memory() == 2**30
    check_size("small solve", memory_bytes=2**29)
    with pytest.raises(SizeError) as info:
        check_size(
            "Fock route, cutoff 900",
            memory_bytes=3 * 2**30,
            seconds=7200,
            change="lower the temperature",
        )
    message = str(info.value)
    assert "\n" not in message
    for part in ("Fock route, cutoff 900", "3 GiB", "2 h", "1 GiB", ENV_MAX_MEMORY, "temperature"):
        assert part in message
    with pytest.raises(SizeError):
        check_size("unbounded", memory_bytes=float("inf"))
    with pytest.raises(SizeError):
        check_size("unknown", memory_bytes=float("nan"))


def test_default_limit_is_documented_and_bounded(monkeypatch):
    monkeypatch.delenv(ENV_MAX_MEMORY, raising=False)
    assert 0 < max_memory() <= 16 * 2**30


def test_memory_limit_context_restores_the_environment(monkeypatch):
    monkeypatch.delenv(ENV_MAX_MEMORY, raising=False)
    with memory_limit("2 GiB"):
        assert max_memory() == 2 * 2**30
    assert ENV_MAX_MEMORY not in __import__("os").environ
    with pytest.raises(SizeError):
        with memory_limit("many"):
            pass


def test_size_error_is_a_value_error_and_picklable():
    err = SizeError("too big")
    assert isinstance(err, QnetError) and isinstance(err, ValueError)
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is SizeError and str(again) == "too big"


def test_format_bytes():
    assert format_bytes(3 * 2**30) == "3 GiB"
    assert format_bytes(512) == "512 B"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_silent_when_not_a_tty(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    progress.progress("stage", "detail")
    assert stream.getvalue() == ""


def test_progress_on_a_tty_is_rate_limited_and_cleared(monkeypatch):
    stream = _Tty()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.delenv(progress.ENV_PROGRESS, raising=False)
    progress.progress("Fock route", "cutoff 12")
    progress.progress("Fock route", "cutoff 13")  # same stage within MIN_INTERVAL: dropped
    progress.progress("hierarchy", "depth 4")  # a new stage is always shown
    text = stream.getvalue()
    assert "Fock route: cutoff 12" in text and "cutoff 13" not in text and "depth 4" in text
    progress.clear()
    assert stream.getvalue().endswith("\r\x1b[K")
    progress.set_enabled(False)
    try:
        before = stream.getvalue()
        progress.progress("silenced stage")
        assert stream.getvalue() == before
    finally:
        progress.set_enabled(True)


def _fail_with(monkeypatch, exc: BaseException):
    def boom(args):
        raise exc

    monkeypatch.setattr(cli, "_cmd_translate", boom)


@pytest.mark.parametrize(
    ("exc", "code", "words"),
    [
        (SizeError("Fock route would need 40 GiB"), 2, "40 GiB"),
        (KeyboardInterrupt(), 130, "interrupted"),
        (MemoryError("Unable to allocate 20.0 GiB for an array"), 1, "out of memory"),
        (OverflowError("math range error"), 1, "OverflowError"),
        (RuntimeError("unexpected\nthing"), 1, "internal error"),
        (PermissionError(13, "Permission denied", "/x/y"), 2, "Permission denied: /x/y"),
    ],
)
def test_cli_turns_every_failure_into_one_line(monkeypatch, capsys, exc, code, words):
    monkeypatch.delenv("QNET_DESIGN_DEBUG", raising=False)
    _fail_with(monkeypatch, exc)
    assert cli.main(["translate", SETUP]) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and words in err[0], err


def test_cli_binary_file(tmp_path, capsys):
    path = tmp_path / "garbage.toml"
    path.write_bytes(bytes(range(256)) * 4)
    assert cli.main(["translate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "UTF-8" in err[0] and "garbage.toml" in err[0]


def test_cli_output_path_checked_before_the_solve(tmp_path, capsys, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("solved although the output path was bad")

    monkeypatch.setattr(cli, "load_setup", never)
    missing = tmp_path / "no" / "such" / "fig.png"
    assert cli.main(["budget", SETUP, "--plot", str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert cli.main(["budget", SETUP, "--plot", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert cli.main(["budget", SETUP, "--plot", str(tmp_path / "fig.docx")]) == 2
    assert "image type" in capsys.readouterr().err


def test_cli_max_memory_option_before_or_after_the_command(capsys):
    assert cli.main(["--max-memory", "lots", "translate", SETUP]) == 2
    assert "--max-memory" in capsys.readouterr().err
    assert cli.main(["translate", SETUP, "--max-memory", "8 GiB", "--json"]) == 0


def test_cli_broken_pipe_is_silent(monkeypatch, capsys):
    _fail_with(monkeypatch, BrokenPipeError(32, "Broken pipe"))
    monkeypatch.setattr(cli, "_silence_stdout", lambda: None)  # keep pytest's capture
    assert cli.main(["translate", SETUP]) == cli.EXIT_BROKEN_PIPE
    assert capsys.readouterr().err == ""


def test_cli_broken_pipe_end_to_end():
    """`qnet-design devices list | true`: the reader is gone before the first write."""
    command = f"{sys.executable} -m qnet_design.cli devices list --catalog {DEVICES} | true"
    proc = subprocess.run(
        ["bash", "-c", command + '; echo "${PIPESTATUS[0]}"'],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.stderr == "", proc.stderr
    assert proc.stdout.strip() in ("0", str(cli.EXIT_BROKEN_PIPE))


# --- the guard wired into the solvers: refused before the solve, with what to change ---------


def test_thermal_link_truncations_are_guarded(monkeypatch):
    from qnet_design.schemes import thermal_link as tl

    monkeypatch.setenv(ENV_MAX_MEMORY, "100 kB")  # below the first cutoff / depth
    model = tl.ThermalLink(10.0, 1e-2)
    for method in ("fock", "hierarchy"):
        with pytest.raises(SizeError, match="source temperature"):
            tl.concurrence(model, method)
    with pytest.raises(SizeError, match="trajectories"):
        tl.steady_state(model, "trajectories", n_traj=10**6)


def test_gaussian_solves_are_guarded_before_the_dense_blocks():
    from qnet_design.schemes import cv_replication as cv, cv_routing as cr

    with pytest.raises(SizeError, match="100000 nodes"):
        cr.log_negativity_profile(cr.RoutingChain(100_000, r=0.1, j=0.3, gamma=0.8, gamma_out=0.05))
    model = cv.ReplicationArrays(20_000, 1.0, 2.0, 0.5, 0.4)
    with pytest.raises(SizeError, match="20000 sites"):
        cv.pair_log_negativities(model)


def test_dicke_route_is_guarded():
    from qnet_design.schemes.cooperative import dicke

    with pytest.raises(SizeError, match="N = 400"):
        dicke.check_size_dicke(400)
    dicke.check_size_dicke(20)  # a few MB


def test_time_limit(monkeypatch):
    monkeypatch.setenv("QNET_DESIGN_MAX_SECONDS", "10")
    check_size("quick", memory_bytes=1e6, seconds=5)
    with pytest.raises(SizeError, match="time limit"):
        check_size("slow", memory_bytes=1e6, seconds=3600)
    monkeypatch.setenv("QNET_DESIGN_MAX_SECONDS", "soon")
    with pytest.raises(SizeError, match="QNET_DESIGN_MAX_SECONDS"):
        check_size("slow", memory_bytes=1e6, seconds=1)


def test_cli_size_refusal_is_exit_2(tmp_path, capsys):
    path = tmp_path / "long_chain.toml"
    base = DEVICES / "setups" / "cv_routing_electromechanical.toml"
    path.write_text(
        f'base = "{base}"\nscheme = "cv_routing"\nname = "x"\n[layout]\nnodes = 100000\n'
    )
    assert cli.main(["budget", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "fewer nodes" in err[0] and "GiB" in err[0]


def test_thermal_link_budget_skips_an_unaffordable_transient(monkeypatch):
    """The 1e5 K source (n_th = 4e5): the steady state, and the transient skipped with a line."""
    from qnet_design.budget import _thermal_link, budget

    monkeypatch.setattr(_thermal_link, "TRANSIENT_MAX_SECONDS", 0.0)
    b = budget(DEVICES / "setups" / "thermal_link_transmon.toml")
    assert any("transient C(t) skipped" in w for w in b.warnings)
    assert 0.0 < b["concurrence"] < 1.0


def test_dual_rail_block_count_matches_the_enumerated_blocks():
    """The size estimate counts the charge blocks by convolution; the independent construction
    is the solver's own block layout over the enumerated basis (feasible at small sizes)."""
    from qnet_design.schemes.dual_rail.operators import (
        _block_entries,
        _prefix_charges,
        _source_basis,
    )
    from qnet_design.solvers.cascaded import Blocks

    for pairs in (1, 2, 3, 4):
        for photons in (None, 3, 7):
            head = 1 if photons is None else len(_source_basis(photons))
            layout = Blocks(_prefix_charges(2 * pairs, photons), head * 4**pairs)
            assert _block_entries(pairs, photons) == layout.size


def test_cli_dual_rail_of_a_thousand_pairs_is_refused_up_front(tmp_path, capsys):
    """Used to allocate until the machine killed it (the estimate itself enumerated 4^N states)."""
    path = tmp_path / "thousand_pairs.toml"
    base = DEVICES / "setups" / "dual_rail_twpa.toml"
    path.write_text(
        f'base = "{base}"\nscheme = "dual_rail"\nname = "x"\n'
        '[layout]\npairs = 1000\ndetuning_step = "0 Hz"\n'
    )
    assert cli.main(["budget", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "fewer pairs" in err[0] and "1000 pairs" in err[0]


def test_cli_json_switches_progress_off_only_for_its_command(capsys):
    """`--json` silences progress for that command; a later in-process call (a notebook, the
    next test) is not left silenced."""
    assert progress._state.enabled
    assert cli.main(["devices", "list", "--json"]) == 0
    capsys.readouterr()
    assert progress._state.enabled
