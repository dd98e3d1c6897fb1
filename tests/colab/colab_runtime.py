"""A simulated Colab runtime: a fresh virtual environment of Colab's packages
(colab-runtime.txt), a stand-in for ``google.colab`` and Colab's kernel
launcher, and a git clone of the work tree for the install cell to install.

The environment takes minutes to build (TensorFlow), so it is kept between
runs in ``$COLAB_VENV_CACHE`` (default ``~/.cache/densenet_lib``), under a
name made of the hash of colab-runtime.txt, the stand-ins and this Python's
version: a change to any of them builds a new one. It is reused only while
its ``pip freeze --all`` is what it was when it was built (the library a run
installed is uninstalled first); otherwise it is built again. One test run
at a time holds it (a file lock).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RUNTIME = HERE / "colab-runtime.txt"
LIBRARY = "densenet_lib"

# Colab's kernel has imported google.colab (Colab starts every kernel with
# `python -m colab_kernel_launcher -f FILE`): the install cells test for it.
STANDINS = {
    "google/colab/__init__.py": (
        '"""A stand-in for Colab\'s google.colab (tests/colab/colab_runtime.py)."""\n'
    ),
    "colab_kernel_launcher.py": (
        '"""A stand-in for Colab\'s kernel launcher: an IPython kernel that has\n'
        'imported google.colab, as Colab\'s has (tests/colab/colab_runtime.py)."""\n'
        "\n"
        "import google.colab  # noqa: F401\n"
        "from ipykernel import kernelapp\n"
        "\n"
        'if __name__ == "__main__":\n'
        "    kernelapp.launch_new_instance()\n"
    ),
}
FREEZE = "colab-freeze.txt"  # in the environment: its packages when it was built


def pinned() -> dict:
    """The versions colab-runtime.txt pins, by normalized package name."""
    pins = {}
    for line in RUNTIME.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[normalize(name)] = version
    return pins


def normalize(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def python_of(venv: Path) -> Path:
    return venv / "bin" / "python"


def run(*command, **options) -> str:
    """Run ``command``; its stdout, or an AssertionError with its output."""
    result = subprocess.run(command, capture_output=True, text=True, **options)
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} failed:\n{result.stdout[-3000:]}"
        f"{result.stderr[-3000:]}"
    )
    return result.stdout


def clean_env(venv: Path) -> dict:
    """This process's environment as a Colab kernel would see it: nothing of
    this checkout or its .venv, the fresh environment's bin/ first on PATH."""
    env = {k: v for k, v in os.environ.items() if not _leaks(k)}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def _leaks(name: str) -> bool:
    """Variables that would let the kernel see this checkout or its settings."""
    return name in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"} or name.startswith(
        ("KERAS_", "XLA_", "JAX_", "MPLBACKEND", "PYTEST_")
    )


def freeze(venv: Path) -> list[str]:
    """``pip freeze --all`` of the environment, one package a line, sorted."""
    out = run(python_of(venv), "-m", "pip", "freeze", "--all", env=clean_env(venv))
    return sorted(line for line in out.splitlines() if line.strip())


def key() -> str:
    """What the environment is made of: the pins, the stand-ins, the Python."""
    digest = hashlib.sha256(RUNTIME.read_bytes())
    for path, text in sorted(STANDINS.items()):
        digest.update(f"{path}\n{text}".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()[:16]


def cache_folder() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return Path(os.environ.get("COLAB_VENV_CACHE", default / LIBRARY))


def build(venv: Path) -> None:
    """Create the environment: Colab's packages (pip's cache serves them when it
    can), the stand-ins in its site-packages, and its freeze for later runs."""
    shutil.rmtree(venv, ignore_errors=True)
    run(sys.executable, "-m", "venv", venv)
    env = clean_env(venv)
    pip = [python_of(venv), "-m", "pip", "install", "--quiet"]
    run(*pip, "pip==" + pinned()["pip"], env=env)  # Colab's pip, then the rest
    run(*pip, "-r", RUNTIME, env=env)
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(run(python_of(venv), "-c", where, env=env).strip())
    for path, text in STANDINS.items():
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    (venv / FREEZE).write_text("\n".join(freeze(venv)) + "\n")


def uninstall_library(venv: Path) -> None:
    """Take out the library a run installed (if any)."""
    command = [python_of(venv), "-m", "pip", "uninstall", "--quiet", "--yes", LIBRARY]
    subprocess.run(command, capture_output=True, env=clean_env(venv))


def is_intact(venv: Path) -> bool:
    """Whether the kept environment holds exactly what it was built with."""
    recorded = venv / FREEZE
    if not recorded.is_file() or not python_of(venv).exists():
        return False
    return freeze(venv) == recorded.read_text().splitlines()


@contextlib.contextmanager
def colab_venv():
    """The Colab environment (reused or built), held by this run alone; the
    library the run installs is uninstalled afterwards."""
    folder = cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    venv = folder / f"colab-venv-{key()}"
    with open(folder / "colab-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for old in folder.glob("colab-venv-*"):
            if old.is_dir() and old != venv:  # made from an older runtime file
                shutil.rmtree(old, ignore_errors=True)
        if python_of(venv).exists():
            uninstall_library(venv)  # left by a run that was interrupted
        if not is_intact(venv):
            build(venv)
        try:
            yield venv
        finally:
            uninstall_library(venv)


def snapshot(dest: Path, branch: str = "main") -> str:
    """A git repository at ``dest`` whose one commit, on ``branch``, is the
    work tree as it is now (uncommitted and untracked files included, ignored
    ones not). Returns the commit's hash."""
    listed = run(
        "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT
    )
    dest.mkdir(parents=True)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_symlink() or source.is_file():  # (a deleted file is neither)
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name, follow_symlinks=False)
    git = ["git", "-C", str(dest), "-c", "user.name=test", "-c", "user.email=t@t"]
    run(*git, "init", "--quiet", "--initial-branch", branch)
    run(*git, "add", "--all")
    run(*git, "commit", "--quiet", "--message", "the work tree, as tested")
    return run(*git, "rev-parse", "HEAD").strip()
