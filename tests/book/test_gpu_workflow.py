"""The GPU workflow: valid GitHub Actions files, and the book runner script
run end to end in the quick profile on this CPU."""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_workflows_pass_actionlint():
    actionlint = shutil.which("actionlint") or str(
        Path(sys.executable).with_name("actionlint")
    )
    result = subprocess.run(
        [actionlint, "-color=false", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_gpu_runner_label_is_set_in_one_place():
    with_label = [w.name for w in WORKFLOWS if "runs-on: [self-hosted" in w.read_text()]
    assert with_label == ["gpu-job.yml"]
    for name in ("gpu-notebooks.yml", "publish-book.yml"):
        assert (
            "uses: ./.github/workflows/gpu-job.yml"
            in (ROOT / ".github" / "workflows" / name).read_text()
        )


def write_notebook(path: Path, *sources: str) -> Path:
    """A notebook of one code cell per source, on the python3 kernel."""
    nb = new_notebook(cells=[new_code_cell(source) for source in sources])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def run_book(report: Path, out: Path, *notebooks: Path):
    """tools/run_book.py in the quick profile, as CI runs it."""
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "run_book.py"),
            "--profile",
            "quick",
            "--report",
            str(report),
            "--out",
            str(out),
            *map(str, notebooks),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_book_runner_quick_profile_end_to_end(tmp_path):
    probe = write_notebook(
        tmp_path / "probe.ipynb",
        "import densenet_lib as dl\n"
        "profile = dl.current_profile()\n"
        "dl.record_metrics(profile=profile.name, test_accuracy=0.9375)",
    )
    report = tmp_path / "report.md"
    result = run_book(
        report,
        tmp_path / "executed",
        probe,
        ROOT / "chapters" / "02_dense_block.ipynb",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    text = report.read_text()
    assert "profile `quick`" in text
    assert (
        "| probe.ipynb | ok |" in text
        and "profile = quick, test_accuracy = 0.9375" in text
    )
    assert "| 02_dense_block.ipynb | ok |" in text
    gpu = "no GPU" if shutil.which("nvidia-smi") is None else "MiB"
    assert text.count(gpu) >= 2
    assert (tmp_path / "executed" / "02_dense_block.ipynb").exists()


def test_book_runner_reports_a_failing_notebook(tmp_path):
    broken = write_notebook(tmp_path / "broken.ipynb", "raise RuntimeError('boom')")
    report = tmp_path / "report.md"
    result = run_book(report, tmp_path / "x", broken)
    assert result.returncode == 1
    assert "failed" in report.read_text() and "boom" in report.read_text()
