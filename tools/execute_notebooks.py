"""Execute chapter notebooks in place, so their stored outputs are real.

    .venv/bin/python tools/execute_notebooks.py                 # every chapter
    .venv/bin/python tools/execute_notebooks.py chapters/02_dense_block.ipynb

Authors run this after editing a chapter; nbval then compares the cells
marked ``# NBVAL_CHECK_OUTPUT`` against these stored outputs. TensorFlow's
start-up log lines (stderr) and nbclient's per-cell timestamps are dropped,
so that re-running a chapter changes only what it really computes.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def run_cells(nb, folder: Path, timeout: int) -> None:
    """Execute every cell of ``nb`` (in memory) on the python3 kernel in ``folder``.

    Raises nbclient's error at the first failing cell.
    """
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    ).execute()


def execute(path: Path, timeout: int = 900) -> float:
    """Run one notebook top to bottom in its folder; returns the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    run_cells(nb, path.parent, timeout)
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.outputs
                if not (o.output_type == "stream" and o.name == "stderr")
            ]
    nbformat.write(nb, path)
    return seconds


def main(argv: list) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    paths = [Path(p) for p in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        print(f"{path.name}: {execute(path.resolve()):.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
