"""Run every chapter of the book in one profile and write a short report.

    python -m tools.run_book                         # full profile: the GPU run
    python -m tools.run_book --profile quick         # the CPU run (what CI tests)
    python -m tools.run_book --report report.md chapters/06_training.ipynb

Each notebook is executed top to bottom (nbclient) with DENSENET_PROFILE
set, its executed copy written to --out (default _build/executed). The
report gives, per notebook: status, wall time, peak GPU memory (the highest
`memory.used` that nvidia-smi showed while it ran; "no GPU" without one) and
the metrics the notebook recorded with `densenet_lib.record_metrics`.
Exits non-zero if any notebook failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat

from tools import notebooks

ROOT = Path(__file__).resolve().parent.parent


class GpuMemoryPeak:
    """Polls nvidia-smi in a thread; ``peak_mib``: the highest total memory.used."""

    def __init__(self, interval: float = 0.5):
        self.interval, self.peak_mib = interval, None
        self.available = shutil.which("nvidia-smi") is not None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self):
        while not self._stop.is_set():
            out = subprocess.run(
                [
                    "nvidia-smi",
                    "--query-gpu=memory.used",
                    "--format=csv,noheader,nounits",
                ],
                capture_output=True,
                text=True,
            ).stdout
            used = sum(int(v) for v in out.split() if v.strip().isdigit())
            self.peak_mib = max(self.peak_mib or 0, used)
            self._stop.wait(self.interval)

    def __enter__(self):
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self.available:
            self._thread.join()

    def describe(self) -> str:
        return "no GPU" if not self.available else f"{self.peak_mib or 0:,} MiB"


def run_notebook(path: Path, profile: str, out_dir: Path, timeout: int) -> dict:
    nb = nbformat.read(path, as_version=4)
    metrics_file = Path(tempfile.mkstemp(suffix=".json")[1])
    metrics_file.write_text("{}")
    os.environ.update(DENSENET_PROFILE=profile, DENSENET_METRICS_FILE=str(metrics_file))
    status, start = "ok", time.perf_counter()
    with GpuMemoryPeak() as gpu:
        try:
            notebooks.run(nb, path.parent, timeout)
        except Exception as error:  # report the failing cell, go on with the next
            lines = str(error).strip().splitlines() or [""]
            last_line = lines[-1][:200]
            status = f"failed: {type(error).__name__}: {last_line}"
    seconds = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    metrics = json.loads(metrics_file.read_text() or "{}")
    metrics_file.unlink()
    return dict(
        notebook=path.name,
        status=status,
        seconds=round(seconds, 1),
        gpu_memory=gpu.describe(),
        metrics=metrics,
    )


def report_markdown(rows: list, profile: str) -> str:
    lines = [
        f"# Book run, profile `{profile}`",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} CPU cores",
        "",
        "| notebook | status | time | peak GPU memory | metrics |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        metrics = ", ".join(
            f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}"
            for k, v in r["metrics"].items()
        )
        cells = [r["notebook"], r["status"], f"{r['seconds']:.0f} s"]
        cells += [r["gpu_memory"], metrics or "-"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "notebooks", nargs="*", type=Path, help="default: every chapters/*.ipynb"
    )
    parser.add_argument("--profile", choices=("quick", "full"), default="full")
    parser.add_argument(
        "--report", type=Path, default=ROOT / "_build" / "book-run-report.md"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "executed")
    parser.add_argument(
        "--timeout", type=int, default=6 * 3600, help="seconds per cell"
    )
    args = parser.parse_args(argv)
    rows = []
    for path in args.notebooks or notebooks.chapter_notebooks():
        row = run_notebook(path.resolve(), args.profile, args.out, args.timeout)
        print(
            f"{row['notebook']}: {row['status']}, {row['seconds']:.0f} s, "
            f"peak GPU memory: {row['gpu_memory']}",
            flush=True,
        )
        rows.append(row)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report_markdown(rows, args.profile))
    print(f"report: {args.report}")
    return 0 if all(r["status"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
