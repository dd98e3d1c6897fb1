"""The paper's reference numbers, as data.

Huang, Liu, van der Maaten and Weinberger, *Densely Connected Convolutional
Networks*, CVPR 2017 (arXiv:1608.06993). The chapters set what the library
computes beside these published values, so every number quoted from the
paper lives here once, with the table it comes from. Nothing in this module
is computed: it is a transcription, checked by ``tests/unit/test_counting.py``
against the library's presets where the two must agree.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Table 1: DenseNet architectures for ImageNet (growth rate k = 32) -----

TABLE1_GROWTH_RATE = 32
"""Table 1's caption: "The growth rate for all the networks is k = 32"."""

TABLE1_BLOCKS = {
    121: (6, 12, 24, 16),
    169: (6, 12, 32, 32),
    201: (6, 12, 48, 32),
    264: (6, 12, 64, 48),
}
"""Table 1: the ``[1x1 conv, 3x3 conv] x n`` repeat counts of Dense Blocks 1-4.

Keyed by the network's name (DenseNet-121 is ``121``).
"""


@dataclass(frozen=True)
class Table1Row:
    """One row of Table 1 as printed: the layer, its output size, and what it is.

    ``blocks_index`` is the 0-based Dense Block a ``"dense_block"`` row stands
    for (its ``n`` differs per network: see :data:`TABLE1_BLOCKS`); ``None``
    for rows that are the same in every network.
    """

    layer: str
    output_size: str
    kind: str
    description: str
    blocks_index: int | None = None


TABLE1_ROWS = (
    Table1Row("Convolution", "112 x 112", "stem", "7 x 7 conv, stride 2"),
    Table1Row("Pooling", "56 x 56", "stem", "3 x 3 max pool, stride 2"),
    Table1Row(
        "Dense Block (1)", "56 x 56", "dense_block", "[1 x 1 conv, 3 x 3 conv] x n", 0
    ),
    Table1Row(
        "Transition Layer (1)",
        "56 x 56 -> 28 x 28",
        "transition",
        "1 x 1 conv, then 2 x 2 average pool, stride 2",
    ),
    Table1Row(
        "Dense Block (2)", "28 x 28", "dense_block", "[1 x 1 conv, 3 x 3 conv] x n", 1
    ),
    Table1Row(
        "Transition Layer (2)",
        "28 x 28 -> 14 x 14",
        "transition",
        "1 x 1 conv, then 2 x 2 average pool, stride 2",
    ),
    Table1Row(
        "Dense Block (3)", "14 x 14", "dense_block", "[1 x 1 conv, 3 x 3 conv] x n", 2
    ),
    Table1Row(
        "Transition Layer (3)",
        "14 x 14 -> 7 x 7",
        "transition",
        "1 x 1 conv, then 2 x 2 average pool, stride 2",
    ),
    Table1Row(
        "Dense Block (4)", "7 x 7", "dense_block", "[1 x 1 conv, 3 x 3 conv] x n", 3
    ),
    Table1Row(
        "Classification Layer",
        "1 x 1",
        "head",
        "7 x 7 global average pool, 1000D fully-connected, softmax",
    ),
)
"""Table 1, row by row (output sizes for a 224 x 224 input)."""


# --- Table 2: error rates (%) on CIFAR and SVHN ----------------------------


@dataclass(frozen=True)
class Table2Row:
    """One DenseNet row of Table 2.

    ``params_m`` is the parameter count in millions as printed (one
    decimal); the error rates are in percent, ``None`` where the paper
    prints "-" (not run). C10 / C100: CIFAR-10 / CIFAR-100 without data
    augmentation; C10+ / C100+: with the standard augmentation (mirroring
    and shifting); SVHN: without augmentation.
    """

    preset: str
    label: str
    depth: int
    growth_rate: int
    params_m: float
    c10: float | None
    c10_plus: float | None
    c100: float | None
    c100_plus: float | None
    svhn: float | None


TABLE2 = (
    Table2Row(
        "densenet40_k12",
        "DenseNet (k = 12)",
        40,
        12,
        1.0,
        7.00,
        5.24,
        27.55,
        24.42,
        1.79,
    ),
    Table2Row(
        "densenet100_k12",
        "DenseNet (k = 12)",
        100,
        12,
        7.0,
        5.77,
        4.10,
        23.79,
        20.20,
        1.67,
    ),
    Table2Row(
        "densenet100_k24",
        "DenseNet (k = 24)",
        100,
        24,
        27.2,
        5.83,
        3.74,
        23.42,
        19.25,
        1.59,
    ),
    Table2Row(
        "densenet_bc100_k12",
        "DenseNet-BC (k = 12)",
        100,
        12,
        0.8,
        5.92,
        4.51,
        24.15,
        22.27,
        1.76,
    ),
    Table2Row(
        "densenet_bc250_k24",
        "DenseNet-BC (k = 24)",
        250,
        24,
        15.3,
        5.19,
        3.62,
        19.64,
        17.60,
        1.74,
    ),
    Table2Row(
        "densenet_bc190_k40",
        "DenseNet-BC (k = 40)",
        190,
        40,
        25.6,
        None,
        3.46,
        None,
        17.18,
        None,
    ),
)
"""Table 2's six DenseNet rows.

``preset`` names the matching ``densenet_lib.CIFAR_PRESETS`` entry.
"""

TABLE2_DATASETS = {
    "c10": "C10",
    "c10_plus": "C10+",
    "c100": "C100",
    "c100_plus": "C100+",
    "svhn": "SVHN",
}
"""Table 2's column headings, keyed by :class:`Table2Row` field."""


def table2(preset: str) -> Table2Row:
    """The Table 2 row of a ``densenet_lib.CIFAR_PRESETS`` name.

    E.g. ``table2("densenet_bc100_k12")``.
    """
    for row in TABLE2:
        if row.preset == preset:
            return row
    raise ValueError(
        f"preset must be one of {[row.preset for row in TABLE2]!r}, got {preset!r}"
    )
