"""The chapters as Colab runs them: each one's install cell pointed at one URL,
then executed in a kernel started as Colab starts its kernels
(``python -m colab_kernel_launcher``, which has imported ``google.colab``,
so the install cell runs).

    python3 -m tools.colab_run --url git+https://github.com/OWNER/REPO@COMMIT

runs every chapter this way with this Python (the GPU workflow runs it inside
Colab's runtime image: .github/workflows/colab.yml, tools/colab_image.sh) and
writes the report of tools/run_book.py. The simulated-Colab test (tests/colab)
uses the same functions with a fresh virtual environment's Python.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from tools import notebooks, run_book, sync_chapters

KERNEL = "colab"
ROOT = notebooks.ROOT


def write_kernelspec(folder: Path, python: str) -> Path:
    """A kernelspec ``colab`` under ``folder`` that starts ``python``'s
    ``colab_kernel_launcher`` (Colab's own, or tests/colab's stand-in)."""
    spec = dict(
        argv=[python, "-m", "colab_kernel_launcher", "-f", "{connection_file}"],
        display_name="Python 3 (Colab)",
        language="python",
    )
    (folder / KERNEL).mkdir(parents=True, exist_ok=True)
    (folder / KERNEL / "kernel.json").write_text(json.dumps(spec, indent=1))
    return folder


def with_install_url(nb, url: str):
    """``nb`` with its install cell's ``url = "git+..."`` set to ``url``."""
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    if not any(sync_chapters.INSTALL_LINE.search(cell.source) for cell in code):
        raise ValueError('no install cell (url = "git+...") in this notebook')
    for cell in code:
        cell.source = sync_chapters.with_install_url(cell.source, url)
    return nb


def execute(nb, folder: Path, kernels: Path, timeout: int, env=None) -> float:
    """Execute ``nb`` in the ``colab`` kernel of ``kernels``, ``folder`` as its
    working directory and ``env`` its environment (default: this one's).
    Raises ``nbclient.exceptions.CellExecutionError`` at the first failing
    cell; returns the seconds it took."""
    specs = KernelSpecManager(kernel_dirs=[str(kernels)])
    manager = KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)
    client = NotebookClient(
        nb, km=manager, timeout=timeout, resources={"metadata": {"path": str(folder)}}
    )
    start = time.perf_counter()
    client.execute(env=dict(os.environ if env is None else env))
    return time.perf_counter() - start


def run_chapter(path: Path, url: str, out: Path, timeout: int) -> dict:
    """One chapter, its install cell pointed at ``url``: a row of the report
    (tools/run_book.py's, with the metrics the chapter recorded)."""
    nb = with_install_url(nbformat.read(path, as_version=4), url)
    metrics_file = out / f"{path.stem}.metrics.json"
    metrics_file.write_text("{}")
    os.environ["DENSENET_METRICS_FILE"] = str(metrics_file)  # the kernel inherits it
    kernels = write_kernelspec(out / "kernels", sys.executable)
    status, start = "ok", time.perf_counter()
    with run_book.GpuMemoryPeak() as gpu:
        try:
            execute(nb, out, kernels, timeout)
        except Exception as error:  # report the failing cell, go on with the next
            lines = str(error).strip().splitlines() or [""]
            status = f"failed: {type(error).__name__}: {lines[-1][:200]}"
    nbformat.write(nb, out / path.name)
    return dict(
        notebook=path.name,
        status=status,
        seconds=round(time.perf_counter() - start, 1),
        gpu_memory=gpu.describe(),
        metrics=json.loads(metrics_file.read_text() or "{}"),
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every one")
    parser.add_argument("--url", required=True, help='the install cells\' "git+..."')
    parser.add_argument("--profile", choices=("quick", "full"), default="full")
    parser.add_argument(
        "--report", type=Path, default=ROOT / "_build" / "book-run-report.md"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "colab")
    parser.add_argument("--timeout", type=int, default=6 * 3600, help="s per cell")
    args = parser.parse_args(argv)
    os.environ[notebooks.PROFILE_ENV] = args.profile  # the kernels inherit it
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for path in args.notebooks or notebooks.chapter_notebooks():
        row = run_chapter(path.resolve(), args.url, args.out, args.timeout)
        print(f"{row['notebook']}: {row['status']}, {row['seconds']:.0f} s", flush=True)
        rows.append(row)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    report = run_book.report_markdown(rows, args.profile)
    heading = f"# Book run on Colab's runtime ({args.url})"
    args.report.write_text(report.replace("# Book run", heading, 1))
    print(f"report: {args.report}")
    return 0 if all(r["status"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
