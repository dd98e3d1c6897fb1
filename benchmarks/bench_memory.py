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

from benchmarks.machine import cpu_model
from densenet_lib.measure import per_image_mib, run_child, training_step_memory

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


def measure_pair(label, run, batches, rows):
    """Measure naive and memory-efficient, ``run(memory_efficient, batch)``,
    at the two ``batches`` (large, small)."""
    for me in (False, True):
        for batch in batches:
            row = {"group": label, **run(me, batch)}
            rows.append(row)
            print(
                f"  {label:<30} {row['backend']:<11} efficient={me!s:<5} "
                f"batch {batch:<3} {row['step_mib']:>8.1f} MiB {row['step_s']:>7.3f} s",
                file=sys.stderr,
                flush=True,
            )


def per_example(rows) -> dict:
    """{(group, backend, memory_efficient): summary} from the rows.

    ``mib``, ``s``: the peak above the baseline and the step time at the large
    batch; ``mib_per_example``: the slope between the two batches, what each
    image adds (the fixed costs, the traced step among them, cancel out).
    """
    groups = {}
    for row in rows:
        key = (row["group"], row["backend"], row["memory_efficient"])
        groups.setdefault(key, []).append(row)
    summary = {}
    for key, pair in groups.items():
        small, large = sorted(pair, key=lambda r: r["batch"])
        slope = per_image_mib(small, large)
        summary[key] = {
            "batch": large["batch"],
            "params": large["params"],
            "mib": large["step_mib"],
            "s": large["step_s"],
            "mib_per_example": round(slope, 2),
        }
    return summary


def run_all(args) -> dict:
    steps = dict(steps=args.steps, warmup=args.warmup)
    rows, notes = [], []
    peer = peer_available()
    if not peer:
        notes.append("torchvision peer skipped: torch/torchvision are not installed")
    main = args.backends[0]
    bc_depth = 16 if args.smoke else 100
    bc = (4, 2) if args.smoke else (16, 4) if args.quick else (64, 16)
    for backend in args.backends:
        measure_pair(
            f"DenseNet-BC-{bc_depth}",
            lambda me, b, be=backend: training_step_memory(
                "cifar", bc_depth, b, me, backend=be, **steps
            ),
            bc,
            rows,
        )
    if peer:
        measure_pair(
            f"DenseNet-BC-{bc_depth}",
            lambda me, b: torchvision_step("cifar", bc_depth, b, me, size=32, **steps),
            bc,
            rows,
        )
    depths = [40, 100] if args.quick else [40, 100, 190, 250]
    depths = [] if args.smoke else depths
    sweep = (8, 2)
    for depth in depths:
        measure_pair(
            f"sweep: DenseNet-BC-{depth}",
            lambda me, b, d=depth: training_step_memory(
                "cifar", d, b, me, backend=main, **steps
            ),
            sweep,
            rows,
        )
    size = 64 if args.quick else 224
    d121 = (4, 1) if args.quick else (8, 2)
    runs = [
        lambda me, b: training_step_memory(
            "imagenet", 121, b, me, size=size, backend=main, **steps
        ),
        lambda me, b: torchvision_step("imagenet", 121, b, me, size=size, **steps),
    ]
    for run in [] if args.smoke else runs if peer else runs[:1]:
        measure_pair(f"DenseNet-121, {size}x{size}", run, d121, rows)
    summary = per_example(rows)
    return {
        "date": datetime.date.today().isoformat(),
        "machine": f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()}",
        "quick": args.quick,
        "smoke": args.smoke,
        "notes": notes,
        "how": "peak resident set above the post-build baseline (CPU), median "
        "step time; per example: the slope between the two batch sizes",
        "rows": rows,
        "summary": [
            {"group": g, "backend": be, "memory_efficient": me, **v}
            for (g, be, me), v in summary.items()
        ],
        "exponents": exponents(summary, main),
    }


def exponents(summary, backend) -> dict:
    """The depth sweep's growth exponents of the memory per example."""
    result = {}
    for me, name in ((False, "naive"), (True, "memory_efficient")):
        points = [
            (CIFAR_BLOCKS[int(g.rsplit("-", 1)[1])], v["mib_per_example"])
            for (g, be, m), v in summary.items()
            if g.startswith("sweep") and be == backend and m is me
        ]
        if len(points) >= 2:
            n, mib = zip(*points)
            result[name] = round(growth_exponent(n, mib), 2)
    return result


def markdown(result: dict) -> str:
    """The side-by-side table: each group's naive and efficient rows, ratios."""
    lines = [
        f"{result['date']}, {result['machine']}"
        + (" (smoke mode)" if result.get("smoke") else "")
        + (" (quick mode)" if result["quick"] and not result.get("smoke") else ""),
        "",
        "| configuration | implementation | params | batch "
        "| naive MiB | MiB/image | s/step "
        "| efficient MiB | MiB/image | s/step "
        "| memory ratio (peak, per image) | time ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    pairs = {}
    for row in result["summary"]:
        key = (row["group"], row["backend"])
        pairs.setdefault(key, {})[row["memory_efficient"]] = row
    for (group, backend), pair in pairs.items():
        n, e = pair[False], pair[True]
        who = "torchvision" if backend == "torchvision" else f"densenet_lib ({backend})"
        lines.append(
            f"| {group} | {who} | {n['params']:,} | {n['batch']} "
            f"| {n['mib']:,.0f} | {n['mib_per_example']:.1f} | {n['s']:.3f} "
            f"| {e['mib']:,.0f} | {e['mib_per_example']:.1f} | {e['s']:.3f} "
            f"| {e['mib'] / n['mib']:.2f}x, "
            f"{e['mib_per_example'] / n['mib_per_example']:.2f}x "
            f"| {e['s'] / n['s']:.2f}x |"
        )
    lines += [f"\n{note}" for note in result.get("notes", [])]
    exps = result["exponents"]
    if exps:
        lines += [
            "",
            "Depth sweep, memory per image ~ n^b in the layers per block n: "
            + ", ".join(f"{name} b = {b}" for name, b in exps.items()),
        ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="tensorflow")
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="smallest: DenseNet-BC-16 at batches 2 and 4 only (gpu_check --reduced)",
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
