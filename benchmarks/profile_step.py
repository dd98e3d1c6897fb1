"""Where a DenseNet training step's time goes: convolutions, batch norm,
concatenation, the rest; naive vs memory-efficient, ours vs torchvision.

Each configuration runs in a fresh process (as in ``bench_memory.py``): it
builds DenseNet-BC (L = 100, k = 12) on 32 x 32 inputs, trains a few warm-up
steps on a random batch, then profiles ``--steps`` steps with the framework's
own profiler and sums the *self* time of every operation by kind:

- ours, TensorFlow: ``tf.profiler``'s trace (read without TensorBoard: the
  time of every op on TensorFlow's compute threads); the op *type* decides
  the kind (``Conv2D*``, ``FusedBatchNorm*``, ``ConcatV2``, ...), and for
  elementwise ops the Keras layer in the op's name.
- the peer, torchvision: ``torch.profiler``'s ``key_averages()``, by ATen op.

Kinds (:data:`KINDS`): the convolutions forward and backward; batch norm's
statistics and normalization with their gradients (and, in the
memory-efficient models, the scale-and-shift multiply-adds); ReLU; the
concatenations and the slices their gradients are; pooling and classifier;
the optimizer; on TensorFlow, the ops that ``tf.recompute_grad`` runs
again outside any layer's name scope; everything else (e.g. the sums of
gradients). Profiling slows each step down, so the
table gives each kind's share of the profiled time, and its milliseconds.

Usage (torch and torchvision from ``benchmarks/requirements.txt``):

    .venv-bench/bin/python benchmarks/profile_step.py [--batch 64] [--steps 3]
        [--json out.json]
"""

from __future__ import annotations

import argparse
import datetime
import glob
import json
import os
import platform
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.bench_memory import peer_available, torchvision_model
from benchmarks.machine import cpu_model
from densenet_lib.measure import run_child

KINDS = (
    ("convolution", r"conv"),
    ("batch norm", r"batch_?norm|moments|mean|variance|squareddiff|rsqrt"),
    ("ReLU", r"relu|threshold"),
    ("concatenation", r"concat|^(aten::)?cat$|slice|split|narrow"),
    ("pooling, classifier, loss", r"pool|matmul|addmm|mm$|softmax|entropy|nll"),
    ("optimizer", r"apply|assign|sgd|foreach"),
)
"""(kind, regular expression on the lower-cased op type) in the order tried."""

OTHER_KINDS = ("recomputation outside layer scopes", "other")
"""The kinds :func:`kind_of` gives when no pattern of :data:`KINDS` matched."""


def kind_of(op: str, name: str = "") -> str:
    """The kind of one operation, from its type (``op``) and, for TensorFlow's
    ops, the Keras layer in its name: the classifier's and the loss's ops
    by their layers, and a ``Mul`` in a ``*_bn`` or memory-efficient
    ``*_1_conv`` layer is batch norm's scale and shift)."""
    if re.search(r"avg_pool|predictions|loss", name):
        return "pooling, classifier, loss"
    op = op.lower()
    for kind, pattern in KINDS:
        if re.search(pattern, op):
            return kind
    if re.search(r"sgd|/apply|optimizer", name.lower()):
        return "optimizer"
    # Keras scopes: ``conv2_block1_0_bn_1/batchnorm/mul``, and the fused
    # layers' scale and shift, ``conv2_block1_1_conv_1/mul``.
    if re.search(r"_bn(_\d+)?/|_moments(_\d+)?/|_[12]_conv(_\d+)?/", name):
        return "batch norm"
    if re.search(r"_concat(_\d+)?/", name):
        return "concatenation"
    if name and not re.search(r"^(gradient_tape/)?(densenet|AddN)", name):
        # No layer's scope: the ops tf.recompute_grad runs again in the
        # backward pass (BN's scale and shift, ReLU, the copies x + 0 that
        # order the recomputation after the incoming gradient) and their
        # gradients.
        return "recomputation outside layer scopes"
    return "other"


def _training_batch(batch: int, size: int = 32):
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, size, size, 3), dtype=np.float32)
    return x, rng.integers(0, 10, size=(batch,))


def profile_tensorflow(spec: dict) -> dict:
    """Self time per op type of ``spec['steps']`` TensorFlow training steps."""
    import keras
    import tensorflow as tf

    import densenet_lib as dl

    model = dl.DenseNetCIFAR(
        depth=spec["depth"], growth_rate=12, memory_efficient=spec["memory_efficient"]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        loss="sparse_categorical_crossentropy",
    )
    x, y = _training_batch(spec["batch"])
    for _ in range(spec["warmup"]):
        model.train_on_batch(x, y)
    logdir = tempfile.mkdtemp(prefix="densenet_profile_")
    tf.profiler.experimental.start(logdir)
    for _ in range(spec["steps"]):
        model.train_on_batch(x, y)
    tf.profiler.experimental.stop()
    return _summed(spec, _tensorflow_ops(logdir))


def _tensorflow_ops(logdir: str) -> list:
    """(op type, op name, microseconds) of every TensorFlow op that ran, from
    the trace ``tf.profiler`` wrote (its XSpace protobuf: on the host's
    ``tf_Compute`` threads each op is an event named ``name:Type``)."""
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    ops = []
    for path in glob.glob(f"{logdir}/plugins/profile/*/*.xplane.pb"):
        space = xplane_pb2.XSpace()
        with open(path, "rb") as f:
            space.ParseFromString(f.read())
        for plane in space.planes:
            names = plane.event_metadata
            for line in plane.lines:
                if not line.name.startswith("tf_Compute"):
                    continue
                for event in line.events:
                    name = names[event.metadata_id].name
                    if ":" in name and "::" not in name:  # an op, not a region
                        op_name, op_type = name.rsplit(":", 1)
                        ops.append((op_type, op_name, event.duration_ps / 1e6))
    if not ops:
        raise RuntimeError(f"tf.profiler recorded no op in {logdir}")
    return ops


def profile_torchvision(spec: dict) -> dict:
    """Self CPU time per ATen op of ``spec['steps']`` torchvision steps."""
    import torch

    model = torchvision_model({**spec, "family": "cifar", "growth_rate": 12}).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    x, y = (torch.from_numpy(a) for a in _training_batch(spec["batch"]))
    x = x.permute(0, 3, 1, 2).contiguous()

    def step():
        optimizer.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()

    for _ in range(spec["warmup"]):
        step()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as p:
        for _ in range(spec["steps"]):
            step()
    ops = [(e.key, "", float(e.self_cpu_time_total)) for e in p.key_averages()]
    return _summed(spec, ops)


def _summed(spec: dict, ops: list) -> dict:
    """Milliseconds per step by kind, and the ten costliest op types."""
    steps = spec["steps"]
    kinds, by_type, other = {}, {}, {}
    for op, name, us in ops:
        kind = kind_of(op, name)
        kinds[kind] = kinds.get(kind, 0.0) + us / 1000 / steps
        by_type[op] = by_type.get(op, 0.0) + us / 1000 / steps
        if kind == "other":  # what the kinds miss, for reading the table
            key = f"{op} in {re.sub(r'[0-9]+', '#', name)}"
            other[key] = other.get(key, 0.0) + us / 1000 / steps

    def top(table, n=10):
        ranked = sorted(table.items(), key=lambda item: -item[1])[:n]
        return [(key, round(ms, 1)) for key, ms in ranked]

    return {
        **spec,
        "ms_per_step": {k: round(v, 1) for k, v in kinds.items()},
        "total_ms": round(sum(kinds.values()), 1),
        "top_ops": top(by_type),
        "top_other": top(other),
    }


def child(spec: dict) -> dict:
    if spec["backend"] == "torchvision":
        return profile_torchvision(spec)
    return profile_tensorflow(spec)


def run_all(args) -> dict:
    who = ["tensorflow"] + (["torchvision"] if peer_available() else [])
    runs = []
    for backend in who:
        for me in (False, True):
            spec = {
                "backend": backend,
                "depth": args.depth,
                "batch": args.batch,
                "memory_efficient": me,
                "steps": args.steps,
                "warmup": args.warmup,
            }
            keras_backend = "torch" if backend == "torchvision" else backend
            run = run_child("benchmarks.profile_step", spec, keras_backend, 3600)
            total = f"{run['total_ms']:.0f} ms"
            print(f"  {backend} efficient={me}: {total}", file=sys.stderr)
            runs.append(run)
    return {
        "date": datetime.date.today().isoformat(),
        "machine": f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()}",
        "runs": runs,
    }


def markdown(result: dict) -> str:
    """One column per run: ms per step by kind and its share of the total."""
    runs = result["runs"]
    kinds = [k for k, _ in KINDS] + list(OTHER_KINDS)
    heads = [
        f"{'torchvision' if r['backend'] == 'torchvision' else 'ours (TF)'} "
        f"{'efficient' if r['memory_efficient'] else 'naive'}"
        for r in runs
    ]
    lines = [
        f"{result['date']}, {result['machine']}; DenseNet-BC-{runs[0]['depth']}, "
        f"batch {runs[0]['batch']}, self time per profiled step, ms (share)",
        "",
        "| kind | " + " | ".join(heads) + " |",
        "|---|" + "---:|" * len(runs),
    ]
    for kind in kinds + ["total"]:
        cells = []
        for r in runs:
            ms = r["total_ms"] if kind == "total" else r["ms_per_step"].get(kind, 0.0)
            cells.append(f"{ms:,.0f} ({ms / r['total_ms']:.0%})")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    for head, r in zip(heads, runs):
        ops = ", ".join(f"{op} {ms:,.0f}" for op, ms in r["top_ops"][:6])
        lines.append(f"\n{head}, costliest op types (ms): {ops}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=100)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    result = run_all(args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
    print(markdown(result))


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1].startswith("{"):
        print(json.dumps(child(json.loads(sys.argv[1]))))
    else:
        main()
