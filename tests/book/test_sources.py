"""Each chapter is a pair, chapters/NN_name.md (the text) and chapters/NN_name.ipynb
(the same cells, executed): the two agree cell for cell, and the stored outputs
come from the present code (tools/notebooks.py)."""

import copy

import jupytext
import nbformat
import pytest

from tools import notebooks, sync_chapters

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


def test_the_repository_is_named_once_in_config_and_followed_everywhere():
    url = sync_chapters.install_url()
    for path in CHAPTERS:
        install = jupytext.read(path.with_suffix(".md")).cells[1].source
        assert f'url = "{url}"' in install, f"{path.stem}: run `make sync`"
    readme = (notebooks.ROOT / "README.md").read_text(encoding="utf-8")
    assert f'pip install "densenet_lib @ {url}"' in readme, "run `make sync`"


def test_changing_the_repository_setting_rewrites_install_cell_and_readme(tmp_path):
    config = tmp_path / "_config.yml"
    config.write_text(
        "repository:\n  url: https://example.org/me/fork\n  branch: dev\n"
    )
    url = sync_chapters.install_url(config)
    assert url == "git+https://example.org/me/fork@dev"
    text = CHAPTERS[0].with_suffix(".md").read_text(encoding="utf-8")
    assert f'    url = "{url}"' in sync_chapters.with_install_url(text, url)
    readme = 'x\npip install "densenet_lib @ git+https://a/b@main"\n'
    assert url in sync_chapters.with_readme_url(readme, url)
