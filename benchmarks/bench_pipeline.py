"""The data pipeline against the training step it feeds, side by side.

Times, in one process and on the same machine: (a) how many augmented
batches per second `densenet_lib.training.ImageBatches` delivers (pad-4 crop
and flip in NumPy, CIFAR-10-shaped data, one thread), and (b) how many
training steps per second DenseNet-BC (L=100, k=12) takes at the same batch
size (`train_on_batch`, after warm-up). The pipeline keeps the accelerator fed
when (a) / (b) is well above 1; the target is 3x on the fastest GPU measured.

    .venv/bin/python benchmarks/bench_pipeline.py [--batch 64] [--steps 10]
        [--json pipeline.json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import densenet_lib as dl


def pipeline_rate(batch: int, batches: int, examples: int = 50_000) -> float:
    """Augmented batches per second from a fresh epoch of CIFAR-sized data.

    ``examples`` 32x32x3 images (CIFAR-10's 50,000 by default).
    """
    rng = np.random.default_rng(0)
    x = rng.normal(size=(examples, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 10, size=examples)
    data = dl.training.ImageBatches(x, y, batch, augment=True)
    data.set_epoch(1)
    start = time.perf_counter()
    for index in range(batches):
        data[index]
    return batches / (time.perf_counter() - start)


def training_rate(batch: int, steps: int, warmup: int = 2) -> float:
    """DenseNet-BC-100 training steps per second (median of ``steps``)."""
    model = dl.DenseNetCIFAR(depth=100, growth_rate=12)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(1)
    x = rng.normal(size=(batch, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 10, size=batch)
    for _ in range(warmup):
        model.train_on_batch(x, y)
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.train_on_batch(x, y)
        times.append(time.perf_counter() - start)
    return 1 / statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--batches", type=int, default=300)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    pipeline = pipeline_rate(args.batch, args.batches)
    training = training_rate(args.batch, args.steps)
    results = {
        "date": datetime.date.today().isoformat(),
        "backend": keras.backend.backend(),
        "devices": dl.profiles.gpu_count() or f"{os.cpu_count()} CPU cores",
        "batch": args.batch,
        "pipeline_batches_per_s": pipeline,
        "densenet_bc100_steps_per_s": training,
        "ratio": pipeline / training,
    }
    print(f"pipeline: {pipeline:.1f} batches/s (batch {args.batch})")
    print(f"DenseNet-BC-100 training: {training:.2f} steps/s")
    print(f"pipeline / training: {pipeline / training:.1f}x")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
