"""Memory of a DenseNet training step: naive vs memory-efficient, and the peer.

One run measures, each configuration in a fresh subprocess
(:func:`densenet_lib.measure.training_step_memory`; how memory is read is
said there: peak resident set above the post-build baseline on a CPU, the
device allocator's peak on a GPU):

1. DenseNet-BC (L = 100, k = 12) at batch 64 on 32 x 32 inputs: ours naive
   and ``memory_efficient=True`` on each Keras backend asked for, and the
   peer, torchvision's ``DenseNet`` class with the CIFAR stem (one 3x3
   convolution, as in the paper and in ours), ``memory_efficient=False/True``;
2. a depth sweep, DenseNet-BC L = 40, 100, 190, 250 (k = 12) at one batch
   size: naive and efficient, with the exponent b of a least-squares fit
   memory ~ n^b in the layers per block n (2 for quadratic, 1 for linear);
3. DenseNet-121 at 224 x 224 at a few batch sizes, ours and torchvision's
   ``densenet121``.

torch and torchvision are the peer's, for this benchmark only
(``benchmarks/requirements.txt``; ``make bench-memory`` installs them in
``.venv-bench``). Results: a Markdown table on stdout, and ``--json``, which
``densenet_lib/recorded/bench_memory.json`` (read by chapter 7) is.

Usage:

    .venv-bench/bin/python benchmarks/bench_memory.py [--backends tensorflow,jax]
        [--quick] [--json densenet_lib/recorded/bench_memory.json]
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import math
import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.bench_densenet121 import cpu_model
from densenet_lib.measure import run_child, training_step_memory

CIFAR_BLOCKS = {16: 2, 40: 6, 100: 16, 190: 31, 250: 41}
"""DenseNet-BC depth L -> layers per block (L - 4) / 6 (paper Sec. 3)."""


# --- The peer: torchvision, in a child process -----------------------------------


def torchvision_model(spec: dict):
    """torchvision's DenseNet for ``spec``: ``densenet121``, or DenseNet-BC of
    depth L with the CIFAR stem (conv0 a 3x3 convolution to 2k channels, no
    BN/ReLU/max pool before the first block: paper Sec. 3, and ours)."""
    import torch
    from torchvision.models import DenseNet, densenet121

    me = spec["memory_efficient"]
    if spec["family"] == "imagenet":
        return densenet121(weights=None, memory_efficient=me)
    k = spec["growth_rate"]
    n = CIFAR_BLOCKS[spec["depth"]]
    model = DenseNet(k, (n, n, n), 2 * k, num_classes=10, memory_efficient=me)
    features = model.features
    features.conv0 = torch.nn.Conv2d(3, 2 * k, 3, padding=1, bias=False)
    for name in ("norm0", "relu0", "pool0"):
        delattr(features, name)
    return model


def torchvision_child(spec: dict) -> dict:
    """Train torchvision's model on a random batch; what measure_steps measured."""
    import torch

    from densenet_lib.measure import TorchDeviceMemory, measure_steps

    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = torchvision_model(spec).to(device).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    gen = torch.Generator().manual_seed(0)
    size, batch = spec["size"], spec["batch"]
    x = torch.randn(batch, 3, size, size, generator=gen).to(device)
    y = torch.randint(0, 10, (batch,), generator=gen).to(device)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    memory = TorchDeviceMemory(torch) if device == "cuda" else None
    result = measure_steps(step, spec["steps"], spec["warmup"], memory)
    params = sum(p.numel() for p in model.parameters())
    return {**spec, **result, "params": params}


def peer_available() -> bool:
    """Whether torch and torchvision are installed (the peer needs both)."""
    return all(importlib.util.find_spec(m) for m in ("torch", "torchvision"))


def torchvision_step(family, depth, batch, memory_efficient, *, size, steps, warmup):
    """:func:`torchvision_child` in a fresh process, as for ours."""
    spec = {
        "family": family,
        "depth": depth,
        "growth_rate": 12 if family == "cifar" else 32,
        "batch": batch,
        "size": size,
        "memory_efficient": memory_efficient,
        "backend": "torchvision",
        "steps": steps,
        "warmup": warmup,
    }
    return run_child("benchmarks.bench_memory", spec, "torch", timeout=3600)


# --- The run -------------------------------------------------------------------


def growth_exponent(layers_per_block: list, mib: list) -> float:
    """b of the least-squares line log(mib) = a + b log(n)."""
    xs = [math.log(n) for n in layers_per_block]
    ys = [math.log(m) for m in mib]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return num / sum((x - mx) ** 2 for x in xs)


def measure_pair(label, run, rows):
    """Measure naive and memory-efficient with ``run(memory_efficient)``."""
    for me in (False, True):
        row = {"group": label, **run(me)}
        rows.append(row)
        print(
            f"  {label:<34} {row['backend']:<11} efficient={me!s:<5} "
            f"{row['step_mib']:>8.1f} MiB {row['step_s']:>7.3f} s",
            file=sys.stderr,
            flush=True,
        )


def run_all(args) -> dict:
    steps = dict(steps=args.steps, warmup=args.warmup)
    rows, notes = [], []
    peer = peer_available()
    if not peer:
        notes.append("torchvision peer skipped: torch/torchvision are not installed")
    bc_depth, bc_batch = (16, 4) if args.smoke else (100, 16 if args.quick else 64)
    label = f"DenseNet-BC-{bc_depth}, batch {bc_batch}"
    for backend in args.backends:
        measure_pair(
            label,
            lambda me, b=backend: training_step_memory(
                "cifar", bc_depth, bc_batch, me, backend=b, **steps
            ),
            rows,
        )
    if peer:
        measure_pair(
            label,
            lambda me: torchvision_step(
                "cifar", bc_depth, bc_batch, me, size=32, **steps
            ),
            rows,
        )
    depths = [40, 100] if args.quick else [40, 100, 190, 250]
    depths = [] if args.smoke else depths
    for depth in depths:
        measure_pair(
            f"sweep: DenseNet-BC-{depth}, batch {args.sweep_batch}",
            lambda me, d=depth: training_step_memory(
                "cifar", d, args.sweep_batch, me, backend=args.backends[0], **steps
            ),
            rows,
        )
    batches = [2] if args.quick else [4, 8, 16]
    batches = [] if args.smoke else batches
    for batch in batches:
        label = f"DenseNet-121, batch {batch}"
        size = 64 if args.quick else 224
        measure_pair(
            label,
            lambda me, b=batch, s=size: training_step_memory(
                "imagenet", 121, b, me, size=s, backend=args.backends[0], **steps
            ),
            rows,
        )
        if peer and batch == batches[len(batches) // 2]:
            measure_pair(
                label,
                lambda me, b=batch, s=size: torchvision_step(
                    "imagenet", 121, b, me, size=s, **steps
                ),
                rows,
            )
    return {
        "date": datetime.date.today().isoformat(),
        "machine": f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()}",
        "quick": args.quick,
        "smoke": args.smoke,
        "notes": notes,
        "rows": rows,
        "exponents": exponents(rows, args.backends[0]),
    }


def exponents(rows, backend) -> dict:
    """The depth sweep's growth exponents, naive and efficient."""
    sweep = [
        r for r in rows if r["group"].startswith("sweep") and r["backend"] == backend
    ]
    result = {}
    for me, name in ((False, "naive"), (True, "memory_efficient")):
        points = [r for r in sweep if r["memory_efficient"] is me]
        if len(points) >= 2:
            n = [CIFAR_BLOCKS[r["depth"]] for r in points]
            result[name] = round(growth_exponent(n, [r["step_mib"] for r in points]), 2)
    return result


def markdown(result: dict) -> str:
    """The side-by-side table: each group's naive and efficient rows, ratios."""
    lines = [
        f"{result['date']}, {result['machine']}"
        + (" (smoke mode)" if result.get("smoke") else "")
        + (" (quick mode)" if result["quick"] and not result.get("smoke") else ""),
        "",
        "| configuration | implementation | params | naive MiB | naive s/step "
        "| efficient MiB | efficient s/step | memory ratio | time ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    pairs = {}
    for row in result["rows"]:
        pairs.setdefault((row["group"], row["backend"]), {})[
            row["memory_efficient"]
        ] = row
    for (group, backend), pair in pairs.items():
        naive, eff = pair[False], pair[True]
        who = "torchvision" if backend == "torchvision" else f"densenet_lib ({backend})"
        lines.append(
            f"| {group} | {who} | {naive['params']:,} | {naive['step_mib']:,.0f} "
            f"| {naive['step_s']:.3f} | {eff['step_mib']:,.0f} | {eff['step_s']:.3f} "
            f"| {eff['step_mib'] / naive['step_mib']:.2f}x "
            f"| {eff['step_s'] / naive['step_s']:.2f}x |"
        )
    lines += [f"\n{note}" for note in result.get("notes", [])]
    exps = result["exponents"]
    if exps:
        lines += [
            "",
            "Depth sweep, memory ~ n^b in the layers per block n: "
            + ", ".join(f"{name} b = {b}" for name, b in exps.items()),
        ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="tensorflow")
    parser.add_argument("--sweep-batch", type=int, default=16)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="small sizes (CI)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="smallest: DenseNet-BC-16 at batch 4 only (tools/gpu_check.py --reduced)",
    )
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    args.backends = args.backends.split(",")
    result = run_all(args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
    print(markdown(result))


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1].startswith("{"):
        print(json.dumps(torchvision_child(json.loads(sys.argv[1]))))
    else:
        main()
