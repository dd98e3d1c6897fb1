"""The GPU check: what a GPU changes, measured, in one short report.

    python -m tools.gpu_check [--reduced | --full] [--out DIR]

Runs on any machine, needs no network, and writes ``gpu_check.md`` and
``gpu_check.json`` to ``--out`` (default ``_build/gpu-check``):

1. **Unit tests** that matter on a GPU (numerics, the memory-efficient
   layers' exactness, training and resuming, mixed precision: ``GPU_TESTS``),
   with pytest in a fresh process on every Keras backend installed (JAX,
   PyTorch, TensorFlow); a backend that is not installed is reported as
   missing, not as a failure.
2. **Training throughput**: :func:`densenet_lib.training.fit` trains
   DenseNet-BC (L = 100, k = 12) at batch 64 on CIFAR-shaped input for two
   epochs on each backend, with mixed precision and XLA as ``fit`` sets them
   (on a GPU: bfloat16 from compute capability 8.0, float16 with loss scaling
   before). Images/s are those of the second epoch (the first compiles), the
   peak memory that of the first epoch's training steps. CIFAR-10 if it is in
   the Keras cache, else synthetic images (said so).
3. **Data pipeline**: the batches/s of ``ImageBatches`` alone
   (``benchmarks/bench_pipeline.py``), next to the training step rate.
4. **Memory benchmark**: ``benchmarks/bench_memory.py`` (naive vs
   memory-efficient, and torchvision's where installed), on the GPU: on the
   backends whose GPU memory it reads (JAX, PyTorch).

Modes: *full* (the sizes above) when ``nvidia-smi`` finds a GPU, *reduced*
(a tiny DenseNet-BC, a few unit tests, ``bench_memory.py --smoke``: a 2-core
CPU runs it in about a minute and a half; CI does) when it finds none;
``--reduced`` / ``--full`` force either. In the full mode a backend that
sees no GPU on a GPU machine (a CPU-only build) is not timed. Exit status 1
if a unit test failed or a measurement could not be made, else 0.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("jax", "torch", "tensorflow")
"""Keras backends in the order they are tried (a GPU machine may lack TensorFlow)."""

GPU_MEMORY_BACKENDS = ("jax", "torch")
"""Backends whose GPU allocator ``densenet_lib.measure`` reads."""

GPU_TESTS = (
    "tests/unit/test_memory_efficient.py",
    "tests/unit/test_exactness.py",
    "tests/unit/test_training.py",
    "tests/unit/test_layers_common.py",
    "tests/unit/test_diagnostics.py",
    "tests/unit/test_residual.py",
    "tests/unit/test_callbacks.py",
)
"""The unit tests whose results a GPU can change (run without those marked
``backend_independent``): outputs against keras.applications, the
memory-efficient layers' gradients and training steps, the paper's recipe,
resuming to the same weights, two devices, mixed precision's dtypes."""

REDUCED_TESTS = (
    "tests/unit/test_layers_common.py",
    "tests/unit/test_memory_efficient.py::test_transfer_weights_both_ways",
    "tests/unit/test_training.py::test_compute_capability_is_none_without_a_gpu_else_a_pair",
)
"""A few of them, fast ones (the reduced mode)."""

PACKAGES = (
    "keras",
    "numpy",
    "jax",
    "jaxlib",
    "jax-cuda12-plugin",
    "jax-cuda13-plugin",
    "torch",
    "torchvision",
    "tensorflow",
)
MIB = 2**20


@dataclass(frozen=True)
class Sizes:
    """What one mode runs."""

    tests: tuple
    depth: int  # DenseNet-BC's L (k = 12)
    batch: int
    train_images: int | None  # None: all of CIFAR-10's 50,000
    test_images: int | None
    epochs: int
    pipeline_examples: int
    pipeline_batches: int
    memory_args: tuple  # bench_memory.py's size flags
    timeout: float  # seconds, for each process


FULL = Sizes(
    tests=GPU_TESTS,
    depth=100,
    batch=64,
    train_images=None,
    test_images=None,
    epochs=2,
    pipeline_examples=50_000,
    pipeline_batches=300,
    memory_args=(),
    timeout=4 * 3600,
)
REDUCED = Sizes(
    tests=REDUCED_TESTS,
    depth=16,
    batch=16,
    train_images=64,  # four steps an epoch
    test_images=16,
    epochs=2,
    pipeline_examples=2048,
    pipeline_batches=20,
    memory_args=("--smoke", "--steps", "1"),
    timeout=900,
)


# --- The machine ---------------------------------------------------------------


def nvidia_smi_gpus() -> list:
    """Each GPU ``nvidia-smi`` lists: name, compute capability, memory, driver."""
    if shutil.which("nvidia-smi") is None:
        return []
    fields = "name,compute_cap,memory.total,driver_version"
    try:
        done = subprocess.run(
            ["nvidia-smi", f"--query-gpu={fields}", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    gpus = []
    for line in done.stdout.strip().splitlines() if done.returncode == 0 else []:
        name, capability, memory, driver = (v.strip() for v in line.split(","))
        gpus.append(
            {
                "name": name,
                "compute_capability": capability,
                "memory_mib": int(memory) if memory.isdigit() else memory,
                "driver": driver,
            }
        )
    return gpus


def package_versions() -> dict:
    """The installed version of each of ``PACKAGES`` (absent ones left out)."""
    versions = {}
    for name in PACKAGES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[name] = importlib.metadata.version(name)
    return versions


def installed_backends() -> list:
    """The Keras backends whose framework can be imported here."""
    return [b for b in BACKENDS if importlib.util.find_spec(b) is not None]


def choose_mode(args, gpus: list) -> tuple:
    """``(Sizes, "full" | "reduced", why)``."""
    if args.reduced:
        return REDUCED, "reduced", "asked for with --reduced"
    if args.full:
        return FULL, "full", "asked for with --full"
    if gpus:
        return FULL, "full", "a GPU was found"
    return REDUCED, "reduced", "no GPU found; --full forces the full sizes"


def set_children_environment(on_gpu: bool) -> None:
    """The environment every process started here inherits.

    This checkout's library first on the path, TensorFlow's logs off. JAX
    and TensorFlow take GPU memory as they need it instead of most of it at
    start (a test's child process, e.g. the resumed run of
    ``test_training.py``, would find none left; the allocators' peaks are
    read either way). On a CPU, XLA without LLVM's optimizer (as ``make
    unit-tests-jax``: the same results, JAX's many small compilations about
    8x faster).
    """
    path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + path if path else "")
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ["XLA_PYTHON_CLIENT_PREALLOCATE"] = "false"
    os.environ["TF_FORCE_GPU_ALLOW_GROWTH"] = "true"
    if not on_gpu:
        flags = os.environ.get("XLA_FLAGS", "")
        os.environ["XLA_FLAGS"] = f"{flags} --xla_backend_optimization_level=0".strip()


# --- 1. Unit tests --------------------------------------------------------------


def junit_counts(path: Path) -> dict:
    """Passed, failed, errors and skipped in a pytest ``--junitxml`` file."""
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0, "failures": []}
    for case in ElementTree.parse(path).iter("testcase"):
        outcome = {child.tag for child in case}
        name = f"{case.get('classname')}::{case.get('name')}"
        if "failure" in outcome or "error" in outcome:
            counts["failed" if "failure" in outcome else "errors"] += 1
            counts["failures"].append(name)
        elif "skipped" in outcome:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    return counts


def run_unit_tests(backend: str, tests: tuple, timeout: float) -> dict:
    """pytest on ``tests`` with ``KERAS_BACKEND=backend``, in a fresh process."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        junit = Path(folder) / "junit.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        command += ["-m", "not backend_independent", f"--junitxml={junit}", *tests]
        env = {**os.environ, "KERAS_BACKEND": backend}
        try:
            done = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True,
                timeout=timeout,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return {"backend": backend, "status": "failed", "error": "timed out"}
        counts = junit_counts(junit) if junit.exists() else {}
    result = {
        "backend": backend,
        "status": "passed" if done.returncode == 0 else "failed",
        "exit_code": done.returncode,
        **counts,
        "seconds": round(time.perf_counter() - start, 1),
    }
    if done.returncode != 0:
        result["output_tail"] = (done.stdout + done.stderr)[-3000:]
    return result


def unit_test_section(installed: list, sizes: Sizes) -> dict:
    runs = [
        run_unit_tests(b, sizes.tests, sizes.timeout)
        if b in installed
        else {"backend": b, "status": "missing"}
        for b in BACKENDS
    ]
    return {"tests": list(sizes.tests), "runs": runs}


# --- 2 and 3. Training throughput and the data pipeline, in a child process -----


class TensorFlowGpuMemory:
    """TensorFlow's GPU allocator peak above its bytes in use, in bytes
    (a reader like those of :mod:`densenet_lib.measure`, which imports no
    TensorFlow)."""

    device = "gpu"

    def __init__(self, tf):
        self._memory = tf.config.experimental

    def start(self) -> None:
        self._memory.reset_memory_stats("GPU:0")
        self.baseline = self._memory.get_memory_info("GPU:0")["current"]

    def peak_above_baseline(self) -> int:
        return self._memory.get_memory_info("GPU:0")["peak"] - self.baseline


def memory_reader(backend: str):
    """The reader of the memory the backend trains in: its GPU's, else the host's."""
    from densenet_lib.measure import device_memory

    if backend == "tensorflow":
        import tensorflow as tf

        if tf.config.list_physical_devices("GPU"):
            return TensorFlowGpuMemory(tf)
    return device_memory()


def epoch_timer(memory):
    """A callback: each epoch's training seconds and steps (up to its
    validation), and ``memory``'s peak at the end of the first epoch's steps."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds, self.steps, self.peak, self._open = [], [], None, False

        def on_epoch_begin(self, epoch, logs=None):
            self._start, self._count, self._open = time.perf_counter(), 0, True

        def on_train_batch_end(self, batch, logs=None):
            self._count += 1

        def on_test_begin(self, logs=None):
            self._close()

        def on_epoch_end(self, epoch, logs=None):
            self._close()

        def _close(self):
            if not self._open:
                return
            peak = memory.peak_above_baseline()  # (synchronizes a CUDA device)
            self.seconds.append(time.perf_counter() - self._start)
            self.steps.append(self._count)
            self.peak = peak if self.peak is None else self.peak
            self._open = False

    return EpochTimer()


def backend_facts() -> dict:
    """What the active backend sees, and the policy ``fit`` would pick from it."""
    import keras

    import densenet_lib as dl

    gpus = dl.profiles.gpu_count()
    capability = dl.profiles.gpu_compute_capability() if gpus else None
    return {
        "keras_backend": keras.backend.backend(),
        "gpus": gpus,
        "compute_capability": ".".join(map(str, capability)) if capability else None,
        "fit_policy": dl.training.mixed_precision_policy(capability)
        if gpus
        else "float32 (no GPU: fit's accelerate is off)",
    }


def training_child(spec: dict) -> dict:
    """Train DenseNet-BC with ``fit`` as ``spec`` says; time it and the pipeline."""
    import keras

    import densenet_lib as dl
    from benchmarks.bench_pipeline import pipeline_rate

    facts = backend_facts()
    if spec["require_gpu"] and not facts["gpus"]:
        return {**spec, **facts, "skipped": "this backend sees no GPU"}
    data = dl.data.offline_cifar("cifar10")
    data = data.subset(spec["train_images"], spec["test_images"]).normalized()
    recipe = dl.training.Recipe(epochs=spec["epochs"], batch_size=spec["batch"])

    def build(dropout_rate):
        return dl.DenseNetCIFAR(spec["depth"], 12, dropout_rate=dropout_rate)

    memory = memory_reader(facts["keras_backend"])
    timer = epoch_timer(memory)
    memory.start()
    model, _ = dl.training.fit(build, data, recipe, verbose=0, callbacks=[timer])
    steps_per_s = timer.steps[-1] / timer.seconds[-1]
    pipeline = pipeline_rate(
        spec["batch"], spec["pipeline_batches"], spec["pipeline_examples"]
    )
    return {
        **spec,
        **facts,
        "params": model.count_params(),
        "data": data.name,
        "data_description": data.description,
        "synthetic": data.name == "synthetic",
        "policy": model.dtype_policy.name,
        "loss_scaling": isinstance(
            model.optimizer, keras.optimizers.LossScaleOptimizer
        ),
        "jit_compile": bool(model.jit_compile),
        "epoch_seconds": [round(s, 3) for s in timer.seconds],
        "images_per_s": round(len(data.x_train) / timer.seconds[-1], 1),
        "steps_per_s": round(steps_per_s, 3),
        "peak_memory_mib": round(timer.peak / MIB, 1),
        "memory_device": memory.device,
        "pipeline_batches_per_s": round(pipeline, 1),
        "pipeline_over_training": round(pipeline / steps_per_s, 2),
    }


def run_child(spec: dict, backend: str, timeout: float) -> dict:
    """``python -m tools.gpu_check <spec as JSON>`` on Keras' ``backend``; the
    JSON of its last output line. (As ``densenet_lib.measure.run_child``, but
    this process imports no Keras.)"""
    done = subprocess.run(
        [sys.executable, "-m", "tools.gpu_check", json.dumps(spec)],
        cwd=ROOT,
        env={**os.environ, "KERAS_BACKEND": backend},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-20:])
        raise RuntimeError(f"exit code {done.returncode}:\n{tail}")
    return json.loads(lines[-1])


def run_training(backend: str, sizes: Sizes, require_gpu: bool) -> dict:
    """:func:`training_child` on ``backend`` in a fresh process."""
    spec = {
        "backend": backend,
        "depth": sizes.depth,
        "growth_rate": 12,
        "batch": sizes.batch,
        "train_images": sizes.train_images,
        "test_images": sizes.test_images,
        "epochs": sizes.epochs,
        "pipeline_examples": sizes.pipeline_examples,
        "pipeline_batches": sizes.pipeline_batches,
        "require_gpu": require_gpu,
    }
    start = time.perf_counter()
    try:
        result = run_child(spec, backend, sizes.timeout)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        return {**spec, "error": str(error)[-3000:]}
    return {**result, "seconds": round(time.perf_counter() - start, 1)}


def training_section(installed: list, sizes: Sizes, mode: str, on_gpu: bool) -> dict:
    """Every installed backend timed (the reduced mode: the first)."""
    backends = installed[:1] if mode == "reduced" else installed
    require_gpu = mode == "full" and on_gpu
    return {
        "model": f"DenseNet-BC (L={sizes.depth}, k=12), batch {sizes.batch}, "
        f"32x32x3 inputs, {sizes.epochs} epochs of "
        f"{sizes.train_images or 50_000} images, trained by "
        "densenet_lib.training.fit; images/s of the last epoch",
        "runs": [run_training(b, sizes, require_gpu) for b in backends],
    }


# --- 4. The memory benchmark ------------------------------------------------------


def memory_backends(training: dict, installed: list, mode: str) -> tuple:
    """``(backends, notes)`` for bench_memory.py.

    Those whose training run saw a GPU, JAX and PyTorch first (their GPU
    memory is read; TensorFlow's only where neither is there, as host
    memory); without any, the first installed. The reduced mode takes one.
    """
    on_gpu = [r["backend"] for r in training["runs"] if r.get("gpus")]
    readable = [b for b in on_gpu if b in GPU_MEMORY_BACKENDS]
    backends, notes = readable or on_gpu or installed[:1], []
    if "tensorflow" in on_gpu and readable:
        notes.append(
            "tensorflow left out: densenet_lib.measure reads its host memory, "
            "not its GPU allocator"
        )
    elif on_gpu and not readable:
        notes.append("tensorflow's numbers are host memory (peak RSS), not GPU")
    return (backends[:1] if mode == "reduced" else backends), notes


def memory_section(backends: list, notes: list, sizes: Sizes) -> dict:
    """``bench_memory.py`` in a fresh process; its JSON and its Markdown table."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "bench_memory.json"
        command = [sys.executable, "benchmarks/bench_memory.py"]
        command += ["--backends", ",".join(backends), *sizes.memory_args]
        shown = " ".join(command[1:])
        try:
            done = subprocess.run(
                [*command, "--json", str(out)],
                cwd=ROOT, capture_output=True, text=True, timeout=sizes.timeout,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return {"command": shown, "backend_notes": notes, "error": "timed out"}
        if done.returncode != 0 or not out.exists():
            error = done.stderr[-3000:]
            return {"command": shown, "backend_notes": notes, "error": error}
        result = json.loads(out.read_text())
    return {"command": shown, "backend_notes": notes, "markdown": done.stdout, **result}


# --- The report -------------------------------------------------------------------


def failures(report: dict) -> list:
    """What went wrong: failed unit test runs and measurements not made."""
    sections = report["sections"]
    found = [
        f"unit tests on {r['backend']}"
        for r in sections["unit_tests"]["runs"]
        if r["status"] == "failed"
    ]
    found += [
        f"training on {r['backend']}"
        for r in sections["training"]["runs"]
        if "error" in r
    ]
    if "error" in sections["memory"]:
        found.append("memory benchmark")
    return found


def synthetic_parts(report: dict) -> list:
    runs = report["sections"]["training"]["runs"]
    parts = [f"training data on {r['backend']}" for r in runs if r.get("synthetic")]
    parts.append("data pipeline input (random CIFAR-shaped arrays, always)")
    parts.append("memory benchmark batches (random, always)")
    return parts


def markdown_table(header: list, rows: list) -> list:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]


def backend_rows(report: dict) -> list:
    """Per backend: version, and what its training run saw (if it ran one)."""
    seen = {r["backend"]: r for r in report["sections"]["training"]["runs"]}
    versions = report["versions"]
    rows = []
    for backend in BACKENDS:
        if backend not in versions:
            rows.append([backend, "missing", "-", "-", "-"])
            continue
        run = seen.get(backend, {})
        facts = [run.get("gpus"), run.get("compute_capability"), run.get("fit_policy")]
        if backend not in seen:
            facts = ["-", "-", "not timed (the reduced mode times one backend)"]
        rows.append(
            [backend, versions[backend], *("-" if v is None else v for v in facts)]
        )
    return rows


def unit_test_lines(section: dict) -> list:
    rows = [
        [
            r["backend"],
            r["status"],
            *(r.get(k, "-") for k in ("passed", "failed", "errors", "skipped")),
            r.get("seconds", "-"),
        ]
        for r in section["runs"]
    ]
    header = ["backend", "result", "passed", "failed", "errors", "skipped", "s"]
    lines = [f"Tests: `{'`, `'.join(section['tests'])}`", ""]
    lines += markdown_table(header, rows)
    for run in section["runs"]:
        for name in run.get("failures", []):
            lines.append(f"- failed on {run['backend']}: `{name}`")
        if run.get("error"):
            lines.append(f"- {run['backend']}: {run['error']}")
    return lines


def training_lines(section: dict) -> list:
    lines, rows, data = [section["model"], ""], [], {}
    for r in section["runs"]:
        if "error" in r:
            lines.append(f"- {r['backend']}: failed\n\n```\n{r['error'].strip()}\n```")
            continue
        if "skipped" in r:
            lines.append(f"- {r['backend']}: not timed, {r['skipped']}")
            continue
        memory = "GPU" if r["memory_device"] == "gpu" else "host RSS"
        data[r["data_description"]] = None
        rows.append(
            [
                r["backend"],
                r["policy"],
                "yes" if r["loss_scaling"] else "no",
                "yes" if r["jit_compile"] else "no",
                f"{r['images_per_s']:,.1f}",
                f"{r['steps_per_s']:.2f}",
                f"{r['peak_memory_mib']:,.0f} ({memory})",
                r["data"],
            ]
        )
    header = ["backend", "precision", "loss scaling", "XLA / jit", "images/s"]
    header += ["steps/s", "peak MiB, 1st epoch", "data"]
    if rows:
        lines += markdown_table(header, rows)
    return lines + ["", *(f"Data: {d}." for d in data)]


def pipeline_lines(section: dict) -> list:
    rows = [
        [
            r["backend"],
            r["batch"],
            f"{r['pipeline_batches_per_s']:,.1f}",
            f"{r['steps_per_s']:.2f}",
            f"{r['pipeline_over_training']:,.1f}x",
        ]
        for r in section["runs"]
        if "images_per_s" in r
    ]
    header = ["backend", "batch", "pipeline batches/s", "training steps/s", "ratio"]
    intro = (
        "`ImageBatches` alone (crop and flip in NumPy, one thread) against "
        "the training steps above. `fit` fetches each batch in its loop "
        "(one worker), so the step rate includes the pipeline's time; the "
        "pipeline keeps the GPU fed when the ratio is well above 1."
    )
    return [intro, ""] + markdown_table(header, rows)


def memory_lines(section: dict) -> list:
    lines = [f"`{section['command']}`", ""]
    if "error" in section:
        lines.append(f"Failed:\n\n```\n{section['error'].strip()}\n```")
    else:
        lines.append(section["markdown"].strip())
    return lines + [f"\n{note}" for note in section["backend_notes"]]


def markdown(report: dict) -> str:
    """The report as Markdown."""
    gpu = report["gpu"]
    gpu_text = (
        "none"
        if gpu == "none"
        else f"{gpu['name']} (compute capability {gpu['compute_capability']}, "
        f"{gpu['memory_mib']} MiB, driver {gpu['driver']})"
    )
    sections = report["sections"]
    result = "ok" if report["ok"] else "FAILED: " + ", ".join(report["failures"])
    lines = [
        "# GPU check",
        "",
        f"- date: {report['date']}",
        f"- machine: {report['machine']}",
        f"- GPU: {gpu_text}",
        f"- mode: **{report['mode']}** ({report['mode_reason']})",
        f"- result: {result}",
        f"- run time: {report['seconds']:.0f} s",
        "",
        "## Backends",
        "",
        *markdown_table(
            ["backend", "version", "GPUs seen", "compute capability", "fit's policy"],
            backend_rows(report),
        ),
        "",
        "Packages: "
        + ", ".join(f"{name} {v}" for name, v in report["versions"].items()),
        "",
        "## Unit tests",
        "",
        *unit_test_lines(sections["unit_tests"]),
        "",
        "## Training throughput",
        "",
        *training_lines(sections["training"]),
        "",
        "## Data pipeline",
        "",
        *pipeline_lines(sections["training"]),
        "",
        "## Memory benchmark",
        "",
        *memory_lines(sections["memory"]),
        "",
        "## Synthetic",
        "",
        *(f"- {part}" for part in report["synthetic"]),
    ]
    return "\n".join(lines) + "\n"


def write_report(report: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "gpu_check.json").write_text(json.dumps(report, indent=1) + "\n")
    (out / "gpu_check.md").write_text(markdown(report))


def log(message: str) -> None:
    print(f"[gpu_check] {message}", file=sys.stderr, flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sizes_flag = parser.add_mutually_exclusive_group()
    sizes_flag.add_argument("--reduced", action="store_true", help="tiny sizes (CI)")
    sizes_flag.add_argument(
        "--full", action="store_true", help="the full sizes, GPU or not"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "gpu-check")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    gpus = nvidia_smi_gpus()
    sizes, mode, why = choose_mode(args, gpus)
    set_children_environment(on_gpu=bool(gpus))
    installed = installed_backends()
    log(f"mode {mode} ({why}); backends {', '.join(installed) or 'none'}")
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC"
        ),
        "machine": f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()}, "
        f"Python {platform.python_version()}",
        "gpu": gpus[0] if gpus else "none",
        "gpus": gpus,
        "mode": mode,
        "mode_reason": why,
        "sizes": asdict(sizes),
        "versions": package_versions(),
        "sections": {},
    }
    sections = report["sections"]
    log("unit tests")
    sections["unit_tests"] = unit_test_section(installed, sizes)
    log("training throughput and the data pipeline")
    sections["training"] = training_section(installed, sizes, mode, bool(gpus))
    log("memory benchmark")
    backends, notes = memory_backends(sections["training"], installed, mode)
    sections["memory"] = memory_section(backends, notes, sizes)
    report["synthetic"] = synthetic_parts(report)
    report["failures"] = failures(report)
    report["ok"] = not report["failures"]
    report["seconds"] = round(time.perf_counter() - start, 1)
    write_report(report, args.out)
    log(f"report: {args.out / 'gpu_check.md'} ({'ok' if report['ok'] else 'FAILED'})")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1].startswith("{"):
        print(json.dumps(training_child(json.loads(sys.argv[1]))))
    else:
        sys.exit(main())
