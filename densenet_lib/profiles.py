"""Execution profiles: one code path, two sizes.

``quick`` runs on a CPU in minutes (CI, a laptop): small data, few steps.
``full`` runs the real data and schedule on a GPU. The profile is chosen
automatically (a GPU present -> ``full``) and can be forced with the
environment variable ``DENSENET_PROFILE=quick`` or ``=full``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

PROFILE_ENV = "DENSENET_PROFILE"
PROFILES = ("quick", "full")


def gpu_count() -> int:
    """Number of GPUs the active Keras backend sees."""
    import keras

    try:
        return len(keras.distribution.list_devices("gpu"))
    except Exception:  # backends without list_devices (torch) or no GPU runtime
        pass
    if keras.backend.backend() == "torch":
        import torch

        return torch.cuda.device_count()
    return 0


def _capability(text) -> tuple[int, int] | None:
    """``"8.6"`` -> ``(8, 6)``; None where it does not read as one."""
    try:
        major, minor = str(text).strip().split(".")[:2]
        return int(major), int(minor)
    except ValueError:
        return None


def _nvidia_smi_capability() -> tuple[int, int] | None:
    """The first GPU's compute capability as ``nvidia-smi`` reports it."""
    if shutil.which("nvidia-smi") is None:
        return None
    try:
        done = subprocess.run(
            ["nvidia-smi", "--query-gpu=compute_cap", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = done.stdout.strip().splitlines()
    return _capability(lines[0]) if done.returncode == 0 and lines else None


def gpu_compute_capability() -> tuple[int, int] | None:
    """The first GPU's CUDA compute capability, ``(major, minor)``; None without one.

    Asked of the active backend (JAX's device, ``torch.cuda``), else of
    ``nvidia-smi`` (TensorFlow: the library imports no TensorFlow). (7, 5)
    is a T4, (8, 0) an A100, (9, 0) an H100.
    """
    import keras

    backend = keras.backend.backend()
    try:
        if backend == "jax":
            import jax

            return _capability(jax.devices("gpu")[0].compute_capability)
        if backend == "torch":
            import torch

            if torch.cuda.is_available():
                return tuple(torch.cuda.get_device_capability(0))
    except Exception:  # no GPU platform (JAX raises), or a device without it
        pass
    return _nvidia_smi_capability()


@dataclass(frozen=True)
class Profile:
    """The active profile.

    ``name`` is ``"quick"`` or ``"full"``; ``reason`` says why.
    """

    name: str
    reason: str

    @property
    def is_full(self) -> bool:
        return self.name == "full"

    def pick(self, quick, full):
        """The value for this profile: ``epochs = profile.pick(quick=2, full=300)``."""
        return full if self.is_full else quick

    def announce(self, data: str) -> Profile:
        """Print which profile runs and what data it uses.

        This is every chapter's first output.
        """
        print(self)
        print(f"Data: {data}")
        return self

    def __str__(self) -> str:
        return f"Profile: {self.name} ({self.reason})"


def current_profile() -> Profile:
    """The profile for this run: ``$DENSENET_PROFILE`` if set, else by GPU presence."""
    forced = os.environ.get(PROFILE_ENV, "").strip().lower()
    if forced:
        if forced not in PROFILES:
            raise ValueError(
                f"{PROFILE_ENV} must be one of {list(PROFILES)}, got {forced!r}"
            )
        return Profile(forced, f"set by {PROFILE_ENV}")
    gpus = gpu_count()
    if gpus:
        return Profile(
            "full", f"{gpus} GPU(s) found; set {PROFILE_ENV}=quick for a short run"
        )
    return Profile("quick", f"no GPU found; set {PROFILE_ENV}=full for the real run")


METRICS_ENV = "DENSENET_METRICS_FILE"


def record_metrics(**metrics) -> None:
    """Add ``metrics`` (numbers or short strings) to the JSON file named by
    ``$DENSENET_METRICS_FILE``, if set; ``tools/run_book.py`` sets it for each
    notebook and puts the values in its report. Does nothing otherwise."""
    import json

    path = os.environ.get(METRICS_ENV)
    if not path:
        return
    try:
        with open(path) as f:
            stored = json.load(f)
    except (OSError, ValueError):
        stored = {}
    # NumPy scalars as plain numbers.
    stored.update(
        {k: v.item() if hasattr(v, "item") else v for k, v in metrics.items()}
    )
    with open(path, "w") as f:
        json.dump(stored, f, indent=1)
