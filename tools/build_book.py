"""Build the book: execute every notebook against the current densenet_lib,
then write the HTML to _build/html (run by `make book`).

jupyter-cache keys a notebook's outputs on the notebook's own content, so
a change to densenet_lib alone would leave stale outputs in the cache. This
script keys the whole cache on a hash of the library and the requirements:
when they change, the cache is emptied and every notebook runs again.
Sphinx warnings fail the build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
CACHE = BUILD / ".jupyter_cache"
STAMP = BUILD / ".library-hash"


def library_hash() -> str:
    """Hash of everything a notebook's outputs depend on besides the notebook itself."""
    digest = hashlib.sha256()
    files = sorted(
        p
        for p in (ROOT / "densenet_lib").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    files += [ROOT / "requirements.txt", ROOT / "pyproject.toml"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> int:
    BUILD.mkdir(exist_ok=True)
    current = library_hash()
    stale = not STAMP.exists() or STAMP.read_text().strip() != current
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [
        str(jupyter_book),
        "build",
        str(ROOT),
        "--warningiserror",
        "--nitpick",
        "--keep-going",
    ]
    if stale:
        # Empty the execution cache, and make Sphinx re-read every page (--all):
        # otherwise an unchanged notebook would keep its old HTML.
        if CACHE.exists():
            print(
                "densenet_lib changed since the last build: "
                "re-executing every notebook."
            )
            shutil.rmtree(CACHE)
        command.append("--all")
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    result = subprocess.run(command, cwd=ROOT, env=env)
    index = BUILD / "html" / "index.html"
    if result.returncode == 0 and index.exists():
        STAMP.write_text(current + "\n")  # only a finished build is current
        print(f"\nThe book is built. Open file://{index}")
    else:
        print("\nThe book build failed (see the messages above).", file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
