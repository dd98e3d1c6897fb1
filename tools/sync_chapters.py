"""`make sync`: bring every chapter's .md and .ipynb in line, and every place
that names the book's repository in line with _config.yml.

The repository is written once, as ``repository: url`` and ``branch`` in
_config.yml (the launch buttons read it there). This script writes it into
every chapter's install cell (``url = "git+URL@BRANCH"``) and the README's
``pip install`` line, then runs ``jupytext --sync`` over the chapters:
whichever file of a pair was edited last is copied into the other, and the
outputs are kept.

    .venv/bin/python -m tools.sync_chapters
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from tools import notebooks

ROOT = notebooks.ROOT
INSTALL_LINE = re.compile(r'^(?P<indent>\s*)url = "git\+[^"]*"$', re.M)
README_LINE = re.compile(r'pip install "densenet_lib @ git\+[^"]*"')


def install_url(config_path: Path = ROOT / "_config.yml") -> str:
    """``git+URL@BRANCH`` from _config.yml's ``repository`` entry."""
    repository = yaml.safe_load(config_path.read_text())["repository"]
    return f"git+{repository['url']}@{repository.get('branch', 'main')}"


def with_install_url(text: str, url: str) -> str:
    """``text`` (a chapter's .md) with its install cell pointing at ``url``."""
    return INSTALL_LINE.sub(lambda m: f'{m["indent"]}url = "{url}"', text)


def with_readme_url(text: str, url: str) -> str:
    """The README with its ``pip install`` line pointing at ``url``."""
    return README_LINE.sub(f'pip install "densenet_lib @ {url}"', text)


def _rewrite(path: Path, change) -> None:
    text = path.read_text(encoding="utf-8")
    if change(text) != text:  # write only what changes (keeps jupytext's clock)
        path.write_text(change(text), encoding="utf-8")


def main() -> int:
    url = install_url()
    texts = sorted(notebooks.CHAPTERS.glob("[0-9][0-9]_*.md"))
    for path in texts:
        _rewrite(path, lambda text: with_install_url(text, url))
    _rewrite(ROOT / "README.md", lambda text: with_readme_url(text, url))
    jupytext = Path(sys.executable).with_name("jupytext")
    command = [str(jupytext), "--sync", "--quiet", *map(str, texts)]
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
