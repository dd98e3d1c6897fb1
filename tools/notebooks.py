"""Executing the chapter notebooks, and knowing when their stored outputs are current.

Every chapter is a pair (see jupytext.toml): ``chapters/NN_name.md``, the text
a contributor edits, and ``chapters/NN_name.ipynb``, the same cells with their
executed outputs. The book renders the ``.ipynb``; Colab opens it and nbval
checks it, so its outputs must come from its present code.

A notebook's outputs depend on its code cells (and their tags), the kernel,
``densenet_lib`` and the requirements, and the profile it ran in, never on its
Markdown. :func:`execution_stamp` hashes exactly those; :func:`execute` stores
the stamp in the notebook's metadata, and :func:`is_current` compares it with
today's. So a prose edit re-executes nothing, an edited code cell re-executes
its chapter, and a change to the library re-executes every chapter.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
PROFILE_ENV = "DENSENET_PROFILE"  # = densenet_lib.profiles.PROFILE_ENV
METADATA_KEY = "densenet_book"
"""The notebook-metadata entry holding ``{"execution_stamp": ..., "profile": ...}``."""


def chapter_notebooks() -> list[Path]:
    """Every chapter's ``.ipynb``, in reading order."""
    return sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))


def library_hash() -> str:
    """Hash of ``densenet_lib`` and the requirements: what every chapter runs on."""
    digest = hashlib.sha256()
    library = ROOT / "densenet_lib"
    files = sorted(
        p for p in library.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    files += [ROOT / "requirements.txt", ROOT / "pyproject.toml"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def execution_stamp(nb, profile: str, library: str | None = None) -> str:
    """Hash of everything ``nb``'s outputs depend on: its code cells and their
    tags, its kernel, the library (:func:`library_hash`) and the ``profile``."""
    code = [
        [cell.source, sorted(cell.metadata.get("tags", []))]
        for cell in nb.cells
        if cell.cell_type == "code"
    ]
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    key = [library or library_hash(), profile, kernel, code]
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()


def stored_stamp(nb) -> dict:
    """The stamp that :func:`execute` stored (empty if it never ran)."""
    return dict(nb.metadata.get(METADATA_KEY, {}))


def is_current(nb, profile: str, library: str | None = None) -> bool:
    """Whether ``nb``'s stored outputs were made by its present code in ``profile``."""
    stored = stored_stamp(nb).get("execution_stamp")
    return stored == execution_stamp(nb, profile, library)


def current_profile_name() -> str:
    """The profile a chapter's kernel chooses (``DENSENET_PROFILE``, else by GPU)."""
    from densenet_lib.profiles import current_profile

    return current_profile().name


def run(nb, folder: Path, timeout: int) -> float:
    """Execute ``nb`` top to bottom with ``folder`` as working directory (nbclient).

    Raises ``nbclient.exceptions.CellExecutionError`` at the first failing
    cell. Returns the seconds it took.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return time.perf_counter() - start


def execute(path: Path, profile: str, timeout: int = 900) -> float:
    """Execute the notebook at ``path`` in place and stamp it; returns the seconds.

    TensorFlow's start-up log lines (stderr) and nbclient's per-cell
    timestamps are dropped, so that re-running a chapter changes only what it
    really computes.
    """
    nb = nbformat.read(path, as_version=4)
    # What the run depends on, read before it starts (an edit meanwhile makes
    # the outputs stale, not current).
    stamp = execution_stamp(nb, profile)
    previous = os.environ.get(PROFILE_ENV)
    os.environ[PROFILE_ENV] = profile  # the kernel inherits it
    try:
        seconds = run(nb, path.parent, timeout)
    finally:
        if previous is None:
            os.environ.pop(PROFILE_ENV)
        else:
            os.environ[PROFILE_ENV] = previous
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not _is_stderr(o)]
    nb.metadata[METADATA_KEY] = {"execution_stamp": stamp, "profile": profile}
    nbformat.write(nb, path)
    return seconds


def _is_stderr(output) -> bool:
    return output.output_type == "stream" and output.name == "stderr"


def cell_summary(nb) -> list[tuple]:
    """``(cell type, source, tags)`` of every cell: what a pair must agree on."""
    return [
        (c.cell_type, c.source.strip("\n"), tuple(c.metadata.get("tags", [])))
        for c in nb.cells
    ]


def pair_differences(text_nb, ipynb_nb) -> list[str]:
    """How a chapter's ``.md`` and its ``.ipynb`` disagree (empty when they agree)."""
    text, stored = cell_summary(text_nb), cell_summary(ipynb_nb)
    problems = []
    if len(text) != len(stored):
        problems.append(f".md has {len(text)} cells, .ipynb has {len(stored)}")
    for i, (a, b) in enumerate(zip(text, stored)):
        for what, x, y in zip(("type", "source", "tags"), a, b):
            if x != y:
                problems.append(f"cell {i}: the {what} differs: {x!r:.60} vs {y!r:.60}")
    return problems
