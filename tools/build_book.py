"""Build the book (`make book`): bring every chapter's outputs up to date, then
write the HTML to _build/html.

The book renders each chapter's ``.ipynb`` with its stored outputs: the same
outputs Colab shows and nbval checks. First, every chapter whose outputs are
not current (tools/notebooks.py: its code cells, densenet_lib, the
requirements or the profile changed since it ran) is executed again in place.
A prose-only edit therefore re-executes nothing, and an unchanged tree builds
in seconds. Then Sphinx runs with warnings as errors; it re-reads only the
pages whose files changed (a re-executed notebook is a changed file).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tools import execute_notebooks, notebooks

BUILD = notebooks.ROOT / "_build"


def main() -> int:
    BUILD.mkdir(exist_ok=True)
    if execute_notebooks.main([]) != 0:
        return 1
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(notebooks.ROOT)]
    command += ["--warningiserror", "--nitpick", "--keep-going"]
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    result = subprocess.run(command, cwd=notebooks.ROOT, env=env)
    index = BUILD / "html" / "index.html"
    if result.returncode == 0 and index.exists():
        print(f"\nThe book is built. Open file://{index}")
    else:
        print("\nThe book build failed (see the messages above).", file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
