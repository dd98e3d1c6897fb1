"""Execution profiles: one code path, two sizes.

``quick`` runs on a CPU in minutes (CI, a laptop): small data, few steps.
``full`` runs the real data and schedule on a GPU. The profile is chosen
automatically (a GPU present -> ``full``) and can be forced with the
environment variable ``DENSENET_PROFILE=quick`` or ``=full``.
"""

from __future__ import annotations

import os
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
