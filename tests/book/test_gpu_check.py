"""tools/gpu_check.py: run end to end in its reduced mode on this CPU, and the
report it writes checked; its pieces that decide, checked alone."""

import json
import math
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

from tools import gpu_check

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reduced_run(tmp_path_factory):
    """``python -m tools.gpu_check --reduced``: (exit code, JSON, Markdown, output)."""
    out = tmp_path_factory.mktemp("gpu-check")
    done = subprocess.run(
        [sys.executable, "-m", "tools.gpu_check", "--reduced", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    report = json.loads((out / "gpu_check.json").read_text())
    return done.returncode, report, (out / "gpu_check.md").read_text(), done.stderr


def positive(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


def test_reduced_run_passes_and_says_what_it_ran(reduced_run):
    code, report, text, output = reduced_run
    assert code == 0 and report["ok"], output[-3000:]
    assert report["mode"] == "reduced" and report["mode_reason"]
    assert report["date"] and report["machine"] and report["seconds"] > 0
    assert report["gpu"] == "none" or report["gpu"]["compute_capability"]
    assert report["versions"]["keras"]
    for heading in ("Backends", "Unit tests", "Training throughput", "Data pipeline"):
        assert f"## {heading}" in text
    assert "## Memory benchmark" in text and "## Synthetic" in text
    assert "mode: **reduced**" in text


def test_unit_tests_ran_on_every_installed_backend_and_missing_ones_say_so(
    reduced_run,
):
    _, report, text, _ = reduced_run
    runs = {r["backend"]: r for r in report["sections"]["unit_tests"]["runs"]}
    assert set(runs) == set(gpu_check.BACKENDS)
    for backend, run in runs.items():
        if backend in gpu_check.installed_backends():
            assert run["status"] == "passed" and run["failed"] == run["errors"] == 0
            assert run["passed"] > 0 and positive(run["seconds"])
        else:
            assert run["status"] == "missing"
            assert f"| {backend} | missing |" in text


def test_training_and_pipeline_numbers_are_positive_and_finite(reduced_run):
    _, report, text, _ = reduced_run
    (run,) = report["sections"]["training"]["runs"]  # the reduced mode times one
    assert "error" not in run, run.get("error")
    for key in ("images_per_s", "steps_per_s", "peak_memory_mib"):
        assert positive(run[key]), (key, run[key])
    for key in ("pipeline_batches_per_s", "pipeline_over_training"):
        assert positive(run[key]), (key, run[key])
    assert len(run["epoch_seconds"]) == 2 and all(map(positive, run["epoch_seconds"]))
    assert run["policy"] == ("float32" if not run["gpus"] else run["fit_policy"])
    if run["synthetic"]:
        assert "training data on" in text and "synthetic" in run["data_description"]


def test_memory_benchmark_measured_naive_and_efficient(reduced_run):
    _, report, _, _ = reduced_run
    memory = report["sections"]["memory"]
    assert "error" not in memory, memory.get("error")
    assert memory["smoke"] and "--smoke" in memory["command"]
    ours = [r for r in memory["rows"] if r["backend"] != "torchvision"]
    # Naive and memory-efficient, each at two batch sizes.
    assert sorted((r["memory_efficient"], r["batch"]) for r in ours) == [
        (False, 2), (False, 4), (True, 2), (True, 4)
    ]  # fmt: skip
    for row in memory["rows"]:
        assert positive(row["step_mib"]) and positive(row["step_s"])
    assert "| DenseNet-BC-16 | densenet_lib (" in memory["markdown"]


def test_junit_counts_read_passes_failures_errors_and_skips(tmp_path):
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="t" name="ok"/>'
        '<testcase classname="t" name="bad"><failure message="x"/></testcase>'
        '<testcase classname="t" name="broken"><error message="y"/></testcase>'
        '<testcase classname="t" name="later"><skipped message="z"/></testcase>'
        "</testsuite></testsuites>"
    )
    counts = gpu_check.junit_counts(junit)
    assert counts == {
        "passed": 1,
        "failed": 1,
        "errors": 1,
        "skipped": 1,
        "failures": ["t::bad", "t::broken"],
    }


def test_mode_is_full_with_a_gpu_reduced_without_or_as_asked():
    gpu = [{"name": "NVIDIA T4", "compute_capability": "7.5"}]
    ask = dict(reduced=False, full=False)
    assert gpu_check.choose_mode(Namespace(**ask), gpu)[1] == "full"
    assert gpu_check.choose_mode(Namespace(**ask), [])[1] == "reduced"
    assert gpu_check.choose_mode(Namespace(**{**ask, "full": True}), [])[1] == "full"
    reduced = Namespace(**{**ask, "reduced": True})
    assert gpu_check.choose_mode(reduced, gpu)[:2] == (gpu_check.REDUCED, "reduced")


def test_memory_benchmark_runs_where_gpu_memory_is_read():
    def runs(**gpus):
        return {"runs": [{"backend": b, "gpus": n} for b, n in gpus.items()]}

    all_three = ["jax", "torch", "tensorflow"]
    backends, notes = gpu_check.memory_backends(
        runs(jax=1, torch=1, tensorflow=1), all_three, "full"
    )
    assert backends == ["jax", "torch"] and "tensorflow left out" in notes[0]
    backends, notes = gpu_check.memory_backends(
        runs(tensorflow=1), ["tensorflow"], "full"
    )
    assert backends == ["tensorflow"] and "host memory" in notes[0]
    assert gpu_check.memory_backends(runs(jax=0), all_three, "reduced") == (
        ["jax"],
        [],
    )
