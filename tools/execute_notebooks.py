"""Execute chapter notebooks in place, so that their stored outputs are real.

    .venv/bin/python -m tools.execute_notebooks          # the stale chapters
    .venv/bin/python -m tools.execute_notebooks 05       # chapter 5, always
    .venv/bin/python -m tools.execute_notebooks --all    # every chapter

(`make execute` and `make execute CHAPTERS=05` run this.) Each chapter runs
in a fresh process, two at a time (``--workers``). A chapter is stale
when its code cells, densenet_lib, the requirements or the profile changed
since it last ran (tools/notebooks.py); Markdown edits never make it stale.
nbval then compares the cells marked ``# NBVAL_CHECK_OUTPUT`` against the
stored outputs, and the book renders them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from tools import notebooks


def select(names: list[str], everything: bool, profile: str) -> list[Path]:
    """The notebooks to run: those named (number, stem or path), all, or the stale."""
    chapters = notebooks.chapter_notebooks()
    if everything:
        return chapters
    if names:
        chosen = []
        for name in names:
            matches = [p for p in chapters if _matches(p, name)]
            if len(matches) != 1:
                known = ", ".join(p.stem for p in chapters)
                raise SystemExit(f"no single chapter matches {name!r}; known: {known}")
            chosen += matches
        return chosen
    library = notebooks.library_hash()
    return [
        p
        for p in chapters
        if not notebooks.is_current(nbformat.read(p, as_version=4), profile, library)
    ]


def _matches(path: Path, name: str) -> bool:
    name = Path(name).stem
    return path.stem == name or path.stem.split("_", 1)[0] == name


def run_one(path: Path, profile: str) -> int:
    """Execute one chapter in this process; print its time."""
    seconds = notebooks.execute(path, profile)
    print(f"{path.name}: executed in {seconds:.0f} s ({profile})", flush=True)
    return 0


def run_each_in_a_process(paths: list[Path], profile: str, workers: int) -> int:
    """Each chapter in a fresh Python process, ``workers`` at a time.

    A fresh process per chapter, because several nbclient runs in one
    process once left chapter 2's kernel waiting forever after another
    chapter had run. Returns 1 if any chapter failed (each one's error is
    printed), else 0.
    """

    def one(path: Path) -> int:
        command = [sys.executable, "-m", "tools.execute_notebooks", "--one", str(path)]
        env = {**os.environ, notebooks.PROFILE_ENV: profile}
        return subprocess.run(command, env=env).returncode

    with ThreadPoolExecutor(max_workers=workers) as pool:
        codes = list(pool.map(one, paths))
    failed = [p.name for p, code in zip(paths, codes) if code != 0]
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="numbers, names or paths")
    parser.add_argument("--all", action="store_true", help="every chapter")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child's one path
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="chapters run at once, each in its own process (default: 2)",
    )
    args = parser.parse_args(argv)
    profile = notebooks.current_profile_name()
    if args.one:
        return run_one(Path(args.one), profile)
    paths = select(args.chapters, args.all, profile)
    if not paths:
        print(f"Every chapter's outputs are current (profile {profile}).")
        return 0
    return run_each_in_a_process(paths, profile, max(1, args.workers))


if __name__ == "__main__":
    sys.exit(main())
