"""Write the skeleton chapter notebooks of "DenseNet, from residuals up".

Each chapter is a module ``tools/chapters/chNN_name.py`` whose ``CELLS`` list
holds Markdown and code cells as Python strings; this script turns them into ``chapters/NN_name.ipynb`` with nbformat, without
outputs and with stable cell ids (so regenerating gives clean diffs).
Execute them afterwards so the stored outputs are real:

    python tools/make_chapters.py              # all chapters
    python tools/make_chapters.py 02 04        # only chapters 02 and 04
    python tools/execute_notebooks.py chapters/02_dense_block.ipynb

Conventions every chapter follows: a title and short introduction, the Colab
install cell, a setup cell that announces the profile and the data, short
code cells with a few sentences between them, and a Summary. Cells whose
printed text is deterministic and quoted start with ``# NBVAL_CHECK_OUTPUT``
(``pytest --nbval-lax`` compares only those); they print no timings, memory
addresses or float noise. Prose never copies a computed number by hand.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS_DIR = ROOT / "chapters"
sys.path.insert(0, str(ROOT))

CHAPTERS = sorted(p.stem[2:] for p in (ROOT / "tools" / "chapters").glob("ch[0-9][0-9]_*.py"))


def build_notebook(key: str, cells) -> nbformat.NotebookNode:
    """A notebook of ``cells`` with stable ids ``<chapter>-<index>``."""
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    chapter = key.split("_", 1)[0]
    for i, (kind, source, tags) in enumerate(cells):
        source = textwrap.dedent(source).strip("\n")
        cell = new_markdown_cell(source) if kind == "markdown" else new_code_cell(source)
        cell.id = f"ch{chapter}-{i:02d}"
        if tags:
            cell.metadata["tags"] = list(tags)
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def main(argv) -> None:
    wanted = set(argv)
    unknown = wanted - {key.split("_", 1)[0] for key in CHAPTERS}
    if unknown:
        raise SystemExit(f"unknown chapter(s) {sorted(unknown)}; known: {[k[:2] for k in CHAPTERS]}")
    CHAPTERS_DIR.mkdir(exist_ok=True)
    for key in CHAPTERS:
        if wanted and key.split("_", 1)[0] not in wanted:
            continue
        cells = importlib.import_module(f"tools.chapters.ch{key}").CELLS
        path = CHAPTERS_DIR / f"{key}.ipynb"
        nbformat.write(build_notebook(key, cells), path)
        print(f"wrote {path.relative_to(ROOT)} ({len(cells)} cells)")


if __name__ == "__main__":
    main(sys.argv[1:])
