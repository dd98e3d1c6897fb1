import os
import subprocess
import sys
from pathlib import Path

import offline_browser
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (offline_browser.py), once per test run."""
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="playwright is not installed (requirements-test.txt)",
    )
    if offline_browser.CHROMIUM is None:
        pytest.skip("chromium is not installed (`make chromium` installs it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=offline_browser.CHROMIUM,
            args=offline_browser.CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """The book built once per test run from the stored notebook outputs, as
    `make book` renders them (execution is nbval's job), Sphinx warnings as
    errors. Returns the html folder."""
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [
            str(jupyter_book),
            "build",
            str(ROOT),
            "--path-output",
            str(out),
            "--warningiserror",
            "--nitpick",
            "--keep-going",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return out / "_build" / "html"
