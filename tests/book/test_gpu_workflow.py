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
    for name in ("gpu-notebooks.yml", "publish-book.yml", "colab.yml"):
        assert (
            "uses: ./.github/workflows/gpu-job.yml"
            in (ROOT / ".github" / "workflows" / name).read_text()
        )


def test_gpu_workflow_runs_the_gpu_check_in_full_and_keeps_its_report():
    import yaml

    workflow = yaml.safe_load(
        (ROOT / ".github/workflows/gpu-notebooks.yml").read_text()
    )
    check = workflow["jobs"]["gpu-check"]
    assert check["uses"] == "./.github/workflows/gpu-job.yml"
    command = check["with"]["command"]
    assert "-m tools.gpu_check" in command and "--reduced" not in command
    assert "--out _build/gpu-check" in command
    assert check["with"]["report"].rstrip("/") == "_build/gpu-check"
    assert workflow["jobs"]["notebooks"]["needs"] == "gpu-check"


def write_notebook(path, source):
    nb = new_notebook(cells=[new_code_cell(source)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def run_book(tmp_path, *notebooks):
    """tools/run_book.py in the quick profile; returns (exit code, report text)."""
    report = tmp_path / "report.md"
    command = [sys.executable, "-m", "tools.run_book", "--profile", "quick"]
    command += ["--report", str(report), "--out", str(tmp_path / "executed")]
    result = subprocess.run(
        command + [str(p) for p in notebooks],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return result.returncode, report.read_text(), result.stdout + result.stderr


def test_book_runner_quick_profile_end_to_end(tmp_path):
    # (No chapter here: nbval executes every chapter in the same test run.)
    probe = write_notebook(
        tmp_path / "probe.ipynb",
        "import densenet_lib as dl\n"
        "profile = dl.current_profile()\n"
        "dl.record_metrics(profile=profile.name, test_accuracy=0.9375)",
    )
    model = write_notebook(
        tmp_path / "model.ipynb",
        "import densenet_lib as dl\n"
        "dl.DenseNet(blocks=(1,), growth_rate=2, stem='cifar').count_params()",
    )
    code, text, output = run_book(tmp_path, probe, model)
    assert code == 0, output[-3000:]
    assert "profile `quick`" in text
    assert "| probe.ipynb | ok |" in text
    assert "profile = quick, test_accuracy = 0.9375" in text
    assert "| model.ipynb | ok |" in text
    gpu = "no GPU" if shutil.which("nvidia-smi") is None else "MiB"
    assert text.count(gpu) >= 2
    assert (tmp_path / "executed" / "model.ipynb").exists()


def test_book_runner_reports_a_failing_notebook(tmp_path):
    broken = write_notebook(tmp_path / "broken.ipynb", "raise RuntimeError('boom')")
    code, text, _ = run_book(tmp_path, broken)
    assert code == 1
    assert "failed" in text and "boom" in text
