"""Measured memory and time of a training step, each in a fresh process.

:func:`training_step_memory` builds a DenseNet in a new Python process, trains
it on random data and reports what one training step costs: its peak memory
above the process's baseline, and its median time. Chapter 7 calls it for
small models live; ``benchmarks/bench_memory.py`` calls it for the large ones
and, for the peer, runs torchvision's DenseNet through :func:`measure_steps`.

How memory is measured (the same for every model and framework):

- **CPU**: the process's resident set, from Linux's ``/proc/self/status``.
  Once the model is built and compiled, the *baseline* is VmRSS (weights,
  the batch, the framework) and the peak resident set (VmHWM) is reset
  (``5`` written to ``/proc/self/clear_refs``). Then ``warmup`` training
  steps run (the first traces and compiles the step function; they are not
  timed) and ``steps`` timed ones. The *step memory* is VmHWM minus the
  baseline: the feature maps kept for the backward pass, the gradients, the
  optimizer's slots, the temporaries, and what the framework keeps of the
  compiled step (allocators hold freed blocks for reuse, so memory measured
  *between* steps is no baseline). The child runs with glibc's
  ``MALLOC_MMAP_THRESHOLD_`` fixed at 128 KiB, so that large freed blocks go
  back to the system.
- **GPU**: the device allocator's peak minus its bytes in use at the same
  point (JAX: ``Device.memory_stats()``; PyTorch:
  ``torch.cuda.max_memory_allocated`` after ``reset_peak_memory_stats``).

The process is fresh for every measurement, so one model's memory never
counts in another's. Sizes are in MiB (2^20 bytes).
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time

from .config import check_bool, check_choice, check_int

FAMILIES = ("cifar", "imagenet")
"""``"cifar"``: :func:`densenet_lib.DenseNetCIFAR` (Table 2, 3x3 stem, 32x32);
``"imagenet"``: :func:`densenet_lib.imagenet_config` (Table 1, 224x224)."""

BACKENDS = ("tensorflow", "jax", "torch")
MIB = 2**20
_MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_TRIM_THRESHOLD_": "131072"}


# --- Reading memory ------------------------------------------------------------


def _status_kib(field: str) -> int:
    """A ``/proc/self/status`` field in KiB (``VmRSS``, ``VmHWM``)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field} (Linux only)")


def _reset_peak_rss() -> None:
    """Reset VmHWM to the current resident set (Linux >= 4.0)."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


class _HostMemory:
    """Peak resident set above a baseline, in bytes."""

    device = "cpu"

    def start(self) -> None:
        _reset_peak_rss()
        self.baseline = _status_kib("VmRSS") * 1024

    def peak_above_baseline(self) -> int:
        return _status_kib("VmHWM") * 1024 - self.baseline


class _JaxDeviceMemory:
    """The JAX device allocator's peak above its bytes in use, in bytes."""

    device = "gpu"

    def __init__(self, device):
        self._device = device

    def start(self) -> None:
        self.baseline = self._device.memory_stats()["bytes_in_use"]

    def peak_above_baseline(self) -> int:
        return self._device.memory_stats()["peak_bytes_in_use"] - self.baseline


class TorchDeviceMemory:
    """The CUDA caching allocator's peak above its bytes in use, in bytes."""

    device = "gpu"

    def __init__(self, torch):
        self._cuda = torch.cuda

    def start(self) -> None:
        self._cuda.synchronize()
        self._cuda.reset_peak_memory_stats()
        self.baseline = self._cuda.memory_allocated()

    def peak_above_baseline(self) -> int:
        self._cuda.synchronize()
        return self._cuda.max_memory_allocated() - self.baseline


def device_memory():
    """The memory reader for the accelerator Keras' backend computes on.

    A GPU under JAX or PyTorch, else the host's resident set. (TensorFlow's
    GPU allocator is not read: the library imports no TensorFlow.)
    """
    import keras

    backend = keras.config.backend()
    if backend == "jax":
        import jax

        if jax.devices()[0].platform == "gpu":
            return _JaxDeviceMemory(jax.devices()[0])
    if backend == "torch":
        import torch

        if torch.cuda.is_available():
            return TorchDeviceMemory(torch)
    return _HostMemory()


def measure_steps(step, steps: int = 5, warmup: int = 2, memory=None) -> dict:
    """Run ``step()`` ``warmup`` times, then ``steps`` times timed; its memory.

    ``step`` does one training step and returns when its work is done (a
    NumPy result, or a synchronized device). ``memory``: a reader from
    :func:`device_memory` (default: the host's resident set). Returns
    ``{"step_mib": peak above the baseline, "step_s": median seconds,
    "step_times": [...], "baseline_mib": ..., "device": "cpu" | "gpu"}``.
    """
    memory = memory or _HostMemory()
    gc.collect()
    memory.start()
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return {
        "step_mib": round(memory.peak_above_baseline() / MIB, 1),
        "baseline_mib": round(memory.baseline / MIB, 1),
        "step_s": round(statistics.median(times), 4),
        "step_times": [round(t, 4) for t in times],
        "device": memory.device,
    }


# --- One Keras DenseNet, in a child process --------------------------------------


def _config(spec: dict):
    """The :class:`DenseNetConfig` a measurement spec describes."""
    from .densenet import densenet_cifar_config, imagenet_config

    size = spec["size"]
    if spec["family"] == "cifar":
        return densenet_cifar_config(
            spec["depth"],
            spec["growth_rate"],
            input_shape=(size, size, 3),
            memory_efficient=spec["memory_efficient"],
        )
    return imagenet_config(
        spec["depth"],
        input_shape=(size, size, 3),
        memory_efficient=spec["memory_efficient"],
    )


def _child(spec: dict) -> dict:
    """Build, compile and train the model of ``spec``; its measurements."""
    import keras
    import numpy as np

    from .densenet import build_densenet

    config = _config(spec)
    model = build_densenet(config)
    model.compile(
        optimizer=keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        loss="sparse_categorical_crossentropy",
    )
    rng = np.random.default_rng(0)
    size, batch = spec["size"], spec["batch"]
    x = rng.standard_normal((batch, size, size, 3), dtype=np.float32)
    y = rng.integers(0, config.classes, size=(batch,))
    result = measure_steps(
        lambda: model.train_on_batch(x, y),
        spec["steps"],
        spec["warmup"],
        device_memory(),
    )
    return {**spec, **result, "params": model.count_params()}


def run_child(
    module: str, spec: dict, backend: str, timeout: float, cpu_only: bool = False
) -> dict:
    """Run ``python -m module <spec as JSON>`` and read its last output line.

    The child's environment: Keras backend ``backend``, glibc's mmap
    threshold fixed (see the module's docstring), TensorFlow's logs off;
    ``cpu_only``: no GPU visible (``CUDA_VISIBLE_DEVICES=-1``).
    """
    env = {
        **os.environ,
        **_MALLOC_ENV,
        "KERAS_BACKEND": backend,
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    if cpu_only:
        env["CUDA_VISIBLE_DEVICES"] = "-1"
    done = subprocess.run(
        [sys.executable, "-m", module, json.dumps(spec)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(
            f"measuring {spec} failed (exit code {done.returncode}):\n{tail}"
        )
    return json.loads(lines[-1])


def training_step_memory(
    family: str,
    depth: int,
    batch: int,
    memory_efficient: bool = False,
    *,
    growth_rate: int = 12,
    size: int | None = None,
    backend: str | None = None,
    steps: int = 5,
    warmup: int = 2,
    cpu_only: bool = False,
    timeout: float = 1800,
) -> dict:
    """Peak memory and median time of a DenseNet's training step, measured.

    ``family`` ``"cifar"``: DenseNet-BC of ``depth`` L and ``growth_rate`` k
    (paper Table 2) on ``size`` x ``size`` images (default 32); ``"imagenet"``:
    the ImageNet DenseNet of ``depth`` (121, 169, ...; Table 1, k = 32) on
    224 x 224 by default. Built in a fresh process on Keras' ``backend``
    (default: the current one), compiled with momentum SGD and trained on a
    random batch of ``batch`` images; ``memory_efficient`` as in
    :func:`densenet_lib.DenseNet`; ``cpu_only``: measured on the CPU even
    where there is a GPU. Returns the spec and what
    :func:`measure_steps` measured: ``step_mib`` (the step's peak memory above
    the baseline), ``step_s`` (median seconds), ``params``, ``device``.
    """
    import keras

    check_choice("family", family, FAMILIES)
    backend = keras.config.backend() if backend is None else backend
    check_choice("backend", backend, BACKENDS)
    spec = {
        "family": family,
        "depth": check_int("depth", depth),
        "growth_rate": check_int("growth_rate", growth_rate),
        "batch": check_int("batch", batch),
        "size": check_int("size", size or (32 if family == "cifar" else 224)),
        "memory_efficient": check_bool("memory_efficient", memory_efficient),
        "backend": backend,
        "steps": check_int("steps", steps),
        "warmup": check_int("warmup", warmup),
    }
    _config(spec)  # bad depth or size: the ValueError here, not in the child
    cpu_only = check_bool("cpu_only", cpu_only)
    return run_child(__name__, spec, backend, timeout, cpu_only)


def per_image_mib(small: dict, large: dict) -> float:
    """MiB that each image adds to a training step, from two measurements.

    The slope of ``step_mib`` between two batch sizes: the fixed costs (the
    weights' gradients, the traced and compiled step) cancel, what is left is
    the feature maps and their gradients.
    """
    return (large["step_mib"] - small["step_mib"]) / (large["batch"] - small["batch"])


def naive_vs_efficient(
    family: str, depth: int, batches=(2, 8), workers: int = 1, **kwargs
) -> dict:
    """Both implementations of one DenseNet, each at two batch sizes, measured.

    Four :func:`training_step_memory` runs (``kwargs`` as there), ``workers``
    processes at a time (more than one shares the CPU: the memory is the
    same, the times are not). Returns ``{"naive": ..., "memory_efficient":
    ...}``, each the measurement at the larger batch plus ``mib_per_image``
    (:func:`per_image_mib`).
    """
    from concurrent.futures import ThreadPoolExecutor

    small, large = sorted(check_int("batch", b) for b in batches)
    if small == large:
        raise ValueError(f"batches must be two different sizes, got {batches!r}")
    runs = [(me, b) for me in (False, True) for b in (small, large)]
    with ThreadPoolExecutor(check_int("workers", workers)) as pool:
        done = list(
            pool.map(
                lambda run: training_step_memory(
                    family, depth, run[1], run[0], **kwargs
                ),
                runs,
            )
        )
    result = {}
    for name, (at_small, at_large) in zip(
        ("naive", "memory_efficient"), (done[:2], done[2:])
    ):
        result[name] = {**at_large, "mib_per_image": per_image_mib(at_small, at_large)}
    return result


def recorded_benchmark() -> dict:
    """The last full run of ``benchmarks/bench_memory.py``, as it recorded it.

    ``densenet_lib/recorded/bench_memory.json`` (package data, so chapter 7
    reads it on Colab too): ``date``, ``machine``, ``how``, every measurement
    (``rows``), the per-configuration ``summary`` and the depth sweep's
    ``exponents``.
    """
    from importlib import resources

    text = resources.files(__package__).joinpath("recorded/bench_memory.json")
    return json.loads(text.read_text(encoding="utf-8"))


if __name__ == "__main__":
    print(json.dumps(_child(json.loads(sys.argv[1]))))
