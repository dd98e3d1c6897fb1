"""The install cell as Colab runs it (`make colab-test`).

In a fresh environment of Colab's packages (colab-runtime.txt: Keras,
TensorFlow, NumPy, matplotlib, scikit-learn, ipykernel, and ipywidgets 7.7.1),
whose kernel has imported ``google.colab`` (a stand-in), chapters 2 and 8 run
from their first cell: the install cell, as written but pointed at a git
clone of this work tree (uncommitted changes included), then every other
cell. It passes only if pip installed densenet_lib from git with its package
data (explorer.js), left every preinstalled package at its version, and both
chapters ran to the end, the live explorer's slider included.

The environment is kept between runs (colab_runtime.py). On two CPU cores the
test takes about 35 s with it, about 3 minutes when it is built from pip's
cache, and longer when pip must download TensorFlow too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import colab_runtime
import nbformat
import pytest
import tomllib
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell
from packaging.requirements import Requirement
from packaging.version import Version

from tools import colab_run

ROOT = colab_runtime.ROOT
# Chapter 2 (the Dense Block; every module of the library is imported) and
# chapter 8 (both growth-rate explorers): the cheapest that cover the library.
CHAPTERS = ("02_dense_block", "08_growth_rate_explorer")
TIMEOUT = 600  # seconds per cell

# Appended to chapter 8: the growth-rate slider moved as Colab's page moves it
# (a comm message "update" from the browser), with Colab's ipywidgets.
SLIDER_MOVED = """\
import ipywidgets

live = dl.explorer.live_explorer(preset="densenet121")
update = {"method": "update", "state": {"value": 12}, "buffer_paths": []}
live.controls["growth_rate"]._handle_msg(
    {"content": {"data": update}, "buffers": []}
)
expected = dl.explorer.explorer_plan("densenet121", growth_rate=12)
assert live.settings["growth_rate"] == 12, live.settings
assert live.view == dl.explorer.explorer_view(expected, 1)
assert f"{expected.params:,}" in live.totals.value, live.totals.value
print("slider moved with ipywidgets", ipywidgets.__version__)
"""

# What pip installed, read in the Colab environment without importing it.
INSPECT = """\
import importlib.metadata as md, importlib.util, json, pathlib
try:
    dist = md.distribution("densenet_lib")
except md.PackageNotFoundError:
    print("null")
else:
    package = pathlib.Path(importlib.util.find_spec("densenet_lib").origin).parent
    print(json.dumps(dict(
        direct_url=json.loads(dist.read_text("direct_url.json") or "null"),
        record=[str(f) for f in dist.files or []],
        package=str(package),
        explorer_js=(package / "explorer.js").is_file(),
    )))
"""


@dataclass(repr=False)
class ColabRun:
    venv: Path
    url: str
    commit: str
    before: list  # pip freeze --all, before the install cells ran
    after: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)  # chapter -> error text or None
    notebooks: dict = field(default_factory=dict)  # chapter -> executed notebook
    installed: dict | None = None  # INSPECT's answer

    def __repr__(self):
        return f"ColabRun({self.url})"


def run_chapter(run: ColabRun, chapter: str, folder: Path, kernels: Path) -> None:
    nb = nbformat.read(ROOT / "chapters" / f"{chapter}.ipynb", as_version=4)
    colab_run.with_install_url(nb, run.url)
    if chapter == CHAPTERS[1]:
        nb.cells.append(new_code_cell(SLIDER_MOVED))
    env = colab_runtime.clean_env(run.venv)
    env.update(DENSENET_PROFILE="quick", TF_CPP_MIN_LOG_LEVEL="3")
    try:
        colab_run.execute(nb, folder, kernels, TIMEOUT, env)
        run.errors[chapter] = None
    except CellExecutionError as error:
        run.errors[chapter] = describe(error)
    run.notebooks[chapter] = nb


def describe(error: CellExecutionError) -> str:
    """The failing cell and its exception, then the traceback's end (no colours)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))
    cell = text.split("-" * 18)[1].strip() if text.count("-" * 18) >= 2 else "?"
    return (
        f"{error.ename}: {error.evalue}\nin the cell:\n{cell}\n"
        f"traceback (end):\n{text[-2500:]}"
    )


def inspect_install(venv: Path, folder: Path):
    python = colab_runtime.python_of(venv)
    env = colab_runtime.clean_env(venv)
    return json.loads(colab_runtime.run(python, "-c", INSPECT, cwd=folder, env=env))


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """Both chapters run once in the Colab environment: what they left."""
    folder = tmp_path_factory.mktemp("colab")
    commit = colab_runtime.snapshot(folder / "repo")
    with colab_runtime.colab_venv() as venv:
        run = ColabRun(venv, f"git+file://{folder / 'repo'}@main", commit, [])
        run.before = colab_runtime.freeze(venv)
        python = str(colab_runtime.python_of(venv))
        kernels = colab_run.write_kernelspec(folder / "kernels", python)
        for chapter in CHAPTERS:
            run_chapter(run, chapter, folder, kernels)
        run.after = colab_runtime.freeze(venv)
        run.installed = inspect_install(venv, folder)
        yield run


def first_error(run: ColabRun) -> str:
    errors = [e for e in run.errors.values() if e]
    return errors[0][-3000:] if errors else ""


def test_install_cell_installs_the_library_from_git_with_its_package_data(colab):
    info = colab.installed
    assert info, (
        "the install cell did not install densenet_lib (is google.colab imported "
        f"in the kernel?)\n{first_error(colab)}"
    )
    clone = colab.url.removeprefix("git+").rsplit("@", 1)[0]
    vcs = info["direct_url"].get("vcs_info", {})
    assert info["direct_url"]["url"] == clone, info["direct_url"]
    assert vcs.get("vcs") == "git" and vcs.get("commit_id") == colab.commit, vcs
    assert Path(info["package"]).is_relative_to(colab.venv), info["package"]
    assert "densenet_lib/explorer.js" in info["record"] and info["explorer_js"], (
        "pip installed densenet_lib without explorer.js: it must be package data "
        "(pyproject.toml, [tool.setuptools.package-data])"
    )


def test_install_cell_changes_no_preinstalled_package(colab):
    removed = sorted(set(colab.before) - set(colab.after))
    added = sorted(set(colab.after) - set(colab.before))
    assert not removed, (
        f"the install cell changed Colab's packages: {removed} became {added}"
    )
    names = [colab_runtime.normalize(line.split(" @ ")[0]) for line in added]
    assert names == ["densenet-lib"], added


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_runs_to_the_end_on_colab(colab, chapter):
    error = colab.errors[chapter]
    assert error is None, f"{chapter} failed in the Colab environment: {error}"


def test_live_explorer_slider_updates_the_numbers_with_colabs_ipywidgets(colab):
    last = colab.notebooks[CHAPTERS[1]].cells[-1]
    printed = "".join(o.get("text", "") for o in last.get("outputs", []))
    version = colab_runtime.pinned()["ipywidgets"]
    assert f"slider moved with ipywidgets {version}" in printed, (
        colab.errors[CHAPTERS[1]] or printed
    )


# --- Without the environment ---------------------------------------------------


def lowest_versions() -> dict:
    """The lowest Keras, TensorFlow and NumPy that pyproject.toml accepts."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"]
    requirements += project["optional-dependencies"]["tensorflow"]
    lowest = {}
    for text in requirements:
        requirement = Requirement(text)
        floors = [s.version for s in requirement.specifier if s.operator == ">="]
        lowest[colab_runtime.normalize(requirement.name)] = Version(floors[0])
    return lowest


def test_colab_runtime_is_the_lowest_supported_keras_and_tensorflow():
    """So the simulated Colab tests the lowest versions pyproject.toml states
    (and the install cell, asking for no more than Colab has, changes nothing)."""
    lowest, pins = lowest_versions(), colab_runtime.pinned()
    for name in ("keras", "tensorflow"):
        pin = Version(pins[name])
        assert pin >= lowest[name], (
            f"pyproject.toml asks for {name} >= {lowest[name]}, Colab has {pin}: "
            f"the install cell would replace Colab's {name}"
        )
        assert pin == lowest[name], (
            f"colab-runtime.txt pins {name} {pin}, above the lowest supported "
            f"({lowest[name]}): pin the lowest there (the test runs it), or raise "
            "pyproject.toml's floor"
        )
    assert lowest["numpy"] <= Version(pins["numpy"])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for text in project["dependencies"]:
        requirement = Requirement(text)
        version = pins[colab_runtime.normalize(requirement.name)]
        assert requirement.specifier.contains(version), (text, version)


def test_install_cell_is_pointed_at_the_clone_and_nothing_else_changes():
    path = ROOT / "chapters" / f"{CHAPTERS[0]}.ipynb"
    nb = colab_run.with_install_url(nbformat.read(path, as_version=4), "git+file:///x")
    original = nbformat.read(path, as_version=4)
    changed = [i for i, (a, b) in enumerate(zip(nb.cells, original.cells)) if a != b]
    assert len(changed) == 1
    assert 'url = "git+file:///x"' in nb.cells[changed[0]].source
    assert 'if "google.colab" in sys.modules:' in nb.cells[changed[0]].source
