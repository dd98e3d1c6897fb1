"""The book's structure: every chapter in the table of contents, each
notebook's stored outputs clean, and a Sphinx build with no warnings.

(The notebooks themselves are executed by nbval in the same run:
`pytest --nbval-lax chapters tests/book`.)
"""

import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [entry["file"] for part in TOC["parts"] for entry in part["chapters"]]


def load(chapter):
    return json.loads((ROOT / f"{chapter}.ipynb").read_text())


def test_every_notebook_is_in_the_toc():
    on_disk = {f"chapters/{p.stem}" for p in (ROOT / "chapters").glob("*.ipynb")}
    assert on_disk == set(CHAPTERS)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notebook_opens_on_colab_and_says_its_profile(chapter):
    nb = load(chapter)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "google.colab" in "".join(code[0]["source"]), (
        "first code cell installs densenet_lib on Colab"
    )
    text = "".join(
        "".join(o.get("text", ""))
        for c in code
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream"
    )
    assert "Profile: " in text and "Data: " in text
    for cell in code:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"{chapter} stores an error output"


def test_book_builds_without_warnings(built_book):
    """Sphinx with -W over the stored outputs (the fixture fails on any warning)."""
    assert (built_book / "index.html").exists()
    for chapter in CHAPTERS:
        assert (built_book / f"{chapter}.html").exists()


def test_launch_buttons_open_each_chapters_notebook_from_the_repository(built_book):
    """The Colab button of every chapter opens its .ipynb (not the .md) from
    _config.yml's repository and branch, the same the install cells use."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    owner_repo = config["url"].removeprefix("https://github.com/")
    for chapter in CHAPTERS:
        page = (built_book / f"{chapter}.html").read_text(encoding="utf-8")
        colab = (
            f"https://colab.research.google.com/github/{owner_repo}/blob/"
            f"{config['branch']}/{chapter}.ipynb"
        )
        assert colab in page, chapter
