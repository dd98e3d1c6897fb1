"""The paper's reference numbers, as data.

Huang, Liu, van der Maaten and Weinberger, *Densely Connected Convolutional
Networks*, CVPR 2017 (arXiv:1608.06993). The chapters set what the library
computes beside these published values, so every number quoted from the
paper lives here once, with the table it comes from. Nothing in this module
is computed: it is a transcription, checked by ``tests/unit/test_counting.py``
against the library's presets where the two must agree. The exceptions
come last: Figure 3 sets counts made from the architectures
(:func:`resnet_imagenet_cost`, ``channel_plan``) beside the published errors.
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


# --- Table 3: error rates (%) on the ImageNet validation set ---------------


@dataclass(frozen=True)
class ImageNetErrors:
    """Top-1 and top-5 error rates (%) on the ImageNet (ILSVRC 2012) validation
    set, single-crop and 10-crop testing with 224 x 224 crops (paper Sec. 4.1)."""

    model: str
    depth: int
    top1_single_crop: float
    top1_10_crop: float
    top5_single_crop: float
    top5_10_crop: float


TABLE3 = (
    ImageNetErrors("DenseNet-121", 121, 25.02, 23.61, 7.71, 6.66),
    ImageNetErrors("DenseNet-169", 169, 23.80, 22.08, 6.85, 5.92),
    ImageNetErrors("DenseNet-201", 201, 22.58, 21.46, 6.34, 5.54),
    ImageNetErrors("DenseNet-264", 264, 22.15, 20.80, 6.12, 5.29),
)
"""Table 3 ("single-crop/10-crop testing"), keyed by :data:`TABLE1_BLOCKS` depth."""


def table3(depth: int) -> ImageNetErrors:
    """The Table 3 row of DenseNet-``depth`` (121, 169, 201 or 264)."""
    from .config import check_choice

    rows = {row.depth: row for row in TABLE3}
    return rows[check_choice("depth", depth, tuple(rows))]


# --- Figure 3: DenseNets and ResNets on ImageNet ---------------------------

FB_RESNET_TORCH = (
    ImageNetErrors("ResNet-18", 18, 30.43, 28.22, 10.76, 9.42),
    ImageNetErrors("ResNet-34", 34, 26.73, 24.76, 8.74, 7.35),
    ImageNetErrors("ResNet-50", 50, 24.01, 22.24, 7.02, 6.08),
    ImageNetErrors("ResNet-101", 101, 22.44, 21.08, 6.21, 5.35),
    ImageNetErrors("ResNet-152", 152, 22.16, 20.69, 6.16, 5.21),
)
"""The ResNets the paper compares with (Sec. 4.4: "the publicly available Torch
implementation for ResNet by [8]"): the errors published with fb.resnet.torch's
trained models, github.com/facebookarchive/fb.resnet.torch, pretrained/README.md
("ImageNet 1-crop error rates (224x224)" and "10-crop error rates"). Its
ResNet-200, the pre-activation variant, is left out."""

RESNET_STAGES = {
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}
"""He et al. 2016, Table 1 (as fb.resnet.torch's models/resnet.lua builds them):
the residual block of each depth and how many of them each of the four stages
(64, 128, 256, 512 channels; x 4 at the output of a bottleneck) repeats."""


def resnet_imagenet_cost(depth: int, input_size: int = 224, classes: int = 1000):
    """Learned parameters and multiply-adds of an ImageNet ResNet, counted analytically.

    The network of fb.resnet.torch (the ResNets of the paper's Figure 3): a
    7x7/2 convolution to 64 channels, 3x3/2 max pooling, the four stages of
    :data:`RESNET_STAGES` (the first block of stages 2-4 has stride 2, in its
    3x3 convolution; a 1x1 projection shortcut wherever the channels change,
    "shortcut type B"), global average pooling and a fully-connected layer.
    Convolutions have no bias; each batch normalization learns γ and β.
    torchvision's ``resnet18/34/50/101/152`` are the same networks.

    Parameters are the learned ones (BN moving statistics are not counted,
    as PyTorch and the paper's "learned parameters" do not count them).
    Multiply-adds are those of the convolutions and the classifier for one
    image, as :mod:`densenet_lib.counting` counts them: the quantity the
    paper's Figure 3 calls "FLOPs".

    Shapes: an ``input_size`` x ``input_size`` x 3 image -> ``classes`` scores.
    Returns ``(params, macs)``, two ints.
    """
    from .config import check_choice, check_int, spatial_after_stem

    check_choice("depth", depth, tuple(RESNET_STAGES))
    input_size = check_int("input_size", input_size)
    classes = check_int("classes", classes)
    block, repeats = RESNET_STAGES[depth]
    conv_size = (input_size - 1) // 2 + 1
    params, macs = 49 * 3 * 64 + 2 * 64, conv_size**2 * 49 * 3 * 64
    size, c = spatial_after_stem(input_size, "imagenet"), 64
    for stage, (count, width) in enumerate(zip(repeats, (64, 128, 256, 512))):
        for index in range(count):
            out = (size - 1) // 2 + 1 if stage > 0 and index == 0 else size
            if block == "basic":  # 3x3, 3x3; a BN after each
                c_out, bn_channels = width, 2 * width
                convs = [(9 * c * width, out), (9 * width * width, out)]
            else:  # 1x1, 3x3 (strided), 1x1 to 4x the width
                c_out, bn_channels = 4 * width, 6 * width
                convs = [(c * width, size), (9 * width**2, out), (width * c_out, out)]
            if c != c_out:  # the projection shortcut and its BN
                convs.append((c * c_out, out))
                bn_channels += c_out
            params += sum(weights for weights, _ in convs) + 2 * bn_channels
            macs += sum(weights * at**2 for weights, at in convs)
            c, size = c_out, out
    return params + c * classes + classes, macs + c * classes


@dataclass(frozen=True)
class Figure3Point:
    """One point of the paper's Figure 3: a network's learned parameters, its
    multiply-adds for one image (224 x 224 unless asked otherwise; the
    paper's "FLOPs"), and its single-crop top-1 error (%) on the ImageNet
    validation set."""

    model: str
    family: str
    params: int
    macs: int
    top1_error: float


def figure3_points(input_size: int = 224) -> tuple:
    """The points of the paper's Figure 3 ("top-1 error rates (single-crop
    testing) ... as a function of learned parameters (left) and FLOPs during
    test-time (right)").

    DenseNet-121/169/201/264 (family ``"DenseNet"``): errors from
    :data:`TABLE3`, parameters (trainable) and multiply-adds from
    :func:`densenet_lib.channel_plan`. ResNet-34/50/101/152 (``"ResNet"``):
    errors from :data:`FB_RESNET_TORCH`, counts from
    :func:`resnet_imagenet_cost` (for ResNet-50/101/152 these equal the
    learned parameters of ``keras.applications.ResNet50/101/152`` less their
    convolution biases, which fb.resnet.torch does not have; ResNet-34, which
    keras.applications lacks, is counted by the same arithmetic and equals
    torchvision's published 21,797,672). "FLOPs" in the paper, as in the
    ResNet paper, are multiply-adds (one multiplication and one addition
    count as one); a count of floating-point operations proper is about twice
    as large.

    Args:
        input_size: the side of the square test image; the paper's is 224.

    Returns:
        A tuple of :class:`Figure3Point`, DenseNets first.
    """
    from .config import check_int, min_input_size
    from .densenet import imagenet_config
    from .plan import channel_plan

    smallest = min_input_size("imagenet", len(TABLE1_BLOCKS[121]))
    input_size = check_int("input_size", input_size, minimum=smallest)
    points = []
    for row in TABLE3:
        config = imagenet_config(row.depth, input_shape=(input_size, input_size, 3))
        plan = channel_plan(config)
        points.append(
            Figure3Point(
                row.model,
                "DenseNet",
                plan.trainable_params,
                plan.macs,
                row.top1_single_crop,
            )
        )
    for row in FB_RESNET_TORCH:
        if row.depth in (34, 50, 101, 152):
            params, macs = resnet_imagenet_cost(row.depth, input_size)
            points.append(
                Figure3Point(row.model, "ResNet", params, macs, row.top1_single_crop)
            )
    return tuple(points)
