"""Time our DenseNet121 against keras.applications.DenseNet121, side by side.

Both models get the same random batch and the same weights (copied from the
reference into ours by layer name), so they do identical arithmetic; any
difference in speed comes from the graph each builder produces, or from noise.
For each model we time (a) a compiled forward pass (``predict_on_batch``) and
(b) one SGD training step (``train_on_batch``). Warm-up calls (the first one
traces and compiles the graph) are not timed; the timed repetitions alternate
between the two models (A B A B ...) so machine noise hits both alike.

Usage (the backend comes from KERAS_BACKEND, TensorFlow by default):

    .venv/bin/python benchmarks/bench_densenet121.py [--batch 8] [--size 224]
        [--repeats 10] [--warmup 2] [--json results.json]
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

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's start-up noise

import keras

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import densenet_lib
from benchmarks.machine import cpu_model


def seconds(fn) -> float:
    """Wall-clock seconds of one call.

    Its result is a NumPy value, so the work is done when it returns.
    """
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(calls: dict, warmup: int, repeats: int) -> dict:
    """Warm up every call, then time them in turn, ``repeats`` rounds.

    Returns the seconds of each round, per name.
    """
    for fn in calls.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in calls}
    for _ in range(repeats):
        for name, fn in calls.items():  # A B A B ...
            times[name].append(seconds(fn))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args()
    if args.warmup < 1:
        parser.error("--warmup must be at least 1: the first call compiles the graph")

    shape = (args.size, args.size, 3)
    keras.utils.set_random_seed(0)
    models = {
        "keras.applications": keras.applications.DenseNet121(
            weights=None, input_shape=shape
        ),
        "densenet_lib": densenet_lib.DenseNet121(weights=None, input_shape=shape),
    }
    densenet_lib.transfer_weights(models["keras.applications"], models["densenet_lib"])
    for model in models.values():
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")

    rng = np.random.default_rng(0)
    x = rng.random((args.batch, *shape), dtype=np.float32)
    y = rng.integers(0, 1000, size=(args.batch,))

    print(
        f"Timing forward passes ({args.warmup} warm-up + {args.repeats} timed "
        "each) ...",
        flush=True,
    )
    forward = interleaved(
        {name: (lambda m=m: m.predict_on_batch(x)) for name, m in models.items()},
        args.warmup,
        args.repeats,
    )
    print(
        f"Timing training steps ({args.warmup} warm-up + {args.repeats} timed "
        "each) ...",
        flush=True,
    )
    train = interleaved(
        {name: (lambda m=m: m.train_on_batch(x, y)) for name, m in models.items()},
        args.warmup,
        args.repeats,
    )

    results = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "batch": args.batch,
        "size": args.size,
        "repeats": args.repeats,
        "warmup": args.warmup,
        "models": {},
    }
    for name in models:
        fwd, trn = statistics.median(forward[name]), statistics.median(train[name])
        results["models"][name] = {
            "forward_median_s": fwd,
            "train_median_s": trn,
            "forward_images_per_s": args.batch / fwd,
            "train_images_per_s": args.batch / trn,
            "forward_times_s": forward[name],
            "train_times_s": train[name],
        }
    ours, ref = (
        results["models"]["densenet_lib"],
        results["models"]["keras.applications"],
    )
    results["forward_ratio"] = (
        ours["forward_images_per_s"] / ref["forward_images_per_s"]
    )
    results["train_ratio"] = ours["train_images_per_s"] / ref["train_images_per_s"]

    print()
    print(f"date: {results['date']}")
    print(f"backend: {results['backend']}, Keras {results['keras_version']}")
    print(f"CPU: {results['cpu']}, {results['cores']} cores")
    print(
        f"batch {args.batch}, input {args.size}x{args.size}x3, "
        f"medians of {args.repeats} (after {args.warmup} warm-up)"
    )
    print()
    print(
        f"{'model':<20} {'forward s':>10} {'train s':>10} {'fwd img/s':>10} "
        f"{'train img/s':>12}"
    )
    for name, r in results["models"].items():
        print(
            f"{name:<20} {r['forward_median_s']:>10.3f} {r['train_median_s']:>10.3f} "
            f"{r['forward_images_per_s']:>10.2f} {r['train_images_per_s']:>12.2f}"
        )
    print()
    print(f"forward ratio (ours/keras throughput): {results['forward_ratio']:.2f}x")
    print(f"train ratio: {results['train_ratio']:.2f}x")

    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
