"""Each chapter is a pair, chapters/NN_name.md (the text) and chapters/NN_name.ipynb
(the same cells, executed): the two agree cell for cell, and the stored outputs
come from the present code (tools/notebooks.py)."""

import copy

import jupytext
import nbformat
import pytest

from tools import notebooks

CHAPTERS = notebooks.chapter_notebooks()
SYNC = "after editing one of them, run `make sync`"


def test_every_chapter_is_a_pair():
    stems = {p.stem for p in CHAPTERS}
    texts = {p.stem for p in notebooks.CHAPTERS.glob("*.md")}
    assert stems and stems == texts, f"unpaired: {sorted(stems ^ texts)}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_markdown_and_notebook_agree(path):
    text = jupytext.read(path.with_suffix(".md"))
    stored = nbformat.read(path, as_version=4)
    problems = notebooks.pair_differences(text, stored)
    assert not problems, f"{path.stem}: .md and .ipynb disagree ({SYNC}): " + (
        "; ".join(problems)
    )
    assert text.metadata["jupytext"]["formats"] == "ipynb,md:myst"


def test_a_changed_cell_is_caught():
    path = CHAPTERS[0]
    text = jupytext.read(path.with_suffix(".md"))
    stored = nbformat.read(path, as_version=4)
    edited = copy.deepcopy(text)
    code = next(c for c in edited.cells if c.cell_type == "code")
    code.source += "\nprint('edited')"
    assert notebooks.pair_differences(edited, stored)
    retagged = copy.deepcopy(text)
    retagged.cells[-1].metadata["tags"] = ["hide-cell"]
    assert notebooks.pair_differences(retagged, stored)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_stored_outputs_come_from_the_present_code(path):
    """Executed in the quick profile with today's code cells and densenet_lib."""
    nb = nbformat.read(path, as_version=4)
    stored = notebooks.stored_stamp(nb)
    rerun = f"run `make execute CHAPTERS={path.stem[:2]}`"
    assert stored.get("profile") == "quick", rerun
    assert notebooks.is_current(nb, "quick"), rerun


def test_a_code_edit_makes_a_chapter_stale_and_a_prose_edit_does_not():
    nb = nbformat.read(CHAPTERS[0], as_version=4)
    library = notebooks.library_hash()
    stamp = notebooks.execution_stamp(nb, "quick", library)
    prose = copy.deepcopy(nb)
    next(c for c in prose.cells if c.cell_type == "markdown").source += " More."
    assert notebooks.execution_stamp(prose, "quick", library) == stamp
    code = copy.deepcopy(nb)
    next(c for c in code.cells if c.cell_type == "code").source += "\npass"
    assert notebooks.execution_stamp(code, "quick", library) != stamp
    assert notebooks.execution_stamp(nb, "full", library) != stamp
    assert notebooks.execution_stamp(nb, "quick", library[::-1]) != stamp
