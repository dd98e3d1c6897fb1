"""Execute chapter notebooks in place, so that their stored outputs are real.

    .venv/bin/python -m tools.execute_notebooks          # the stale chapters
    .venv/bin/python -m tools.execute_notebooks 05       # chapter 5, always
    .venv/bin/python -m tools.execute_notebooks --all    # every chapter

(`make execute` and `make execute CHAPTERS=05` run this.) A chapter is stale
when its code cells, densenet_lib, the requirements or the profile changed
since it last ran (tools/notebooks.py); Markdown edits never make it stale.
nbval then compares the cells marked ``# NBVAL_CHECK_OUTPUT`` against the
stored outputs, and the book renders them.
"""

from __future__ import annotations

import argparse
import sys
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="numbers, names or paths")
    parser.add_argument("--all", action="store_true", help="every chapter")
    args = parser.parse_args(argv)
    profile = notebooks.current_profile_name()
    paths = select(args.chapters, args.all, profile)
    if not paths:
        print(f"Every chapter's outputs are current (profile {profile}).")
    for path in paths:
        seconds = notebooks.execute(path, profile)
        print(f"{path.name}: executed in {seconds:.0f} s ({profile})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
