"""Residual learning (He et al. 2016): x_l = H_l(x_{l-1}) + x_{l-1}.

A residual block with an identity or projection shortcut, in the original
post-activation order (Conv-BN-ReLU) or the pre-activation order
(BN-ReLU-Conv, He et al. "Identity Mappings", 2016) that DenseNet inherits;
and the CIFAR ResNet of depth 6n + 2 with its "plain" twin (no shortcuts).
"""

from __future__ import annotations

import keras
from keras import layers

from .config import check_choice, check_input_shape, check_int
from .layers_common import batch_norm, bn_relu, classifier

SHORTCUTS = ("auto", "identity", "projection", None)


def residual_block(
    x,
    filters: int,
    name: str,
    stride: int = 1,
    shortcut="auto",
    preactivation: bool = True,
    kernel_initializer="he_normal",
):
    """Two 3x3 convolutions F(x) plus a shortcut: F(x) + x.

    ``shortcut``: ``"identity"`` adds x itself (shapes must match),
    ``"projection"`` adds Conv1x1/stride(x), ``"auto"`` picks identity when the
    shapes allow it, and ``None`` adds nothing: the "plain" block.
    Shapes: (b, h, w, c) -> (b, ceil(h / stride), ceil(w / stride), filters).
    """
    check_choice("shortcut", shortcut, SHORTCUTS)
    same_shape = stride == 1 and x.shape[-1] == filters
    if shortcut == "identity" and not same_shape:
        raise ValueError(
            f"shortcut='identity' needs stride 1 and {x.shape[-1]} == filters; "
            f"got stride={stride}, filters={filters}: use 'projection' or 'auto'"
        )
    if shortcut == "auto":
        shortcut = "identity" if same_shape else "projection"

    def conv(y, size, index, strides=1):
        return layers.Conv2D(
            filters,
            size,
            strides=strides,
            padding="same",
            use_bias=False,
            kernel_initializer=kernel_initializer,
            name=f"{name}_{index}_conv",
        )(y)

    if preactivation:  # BN-ReLU-Conv, twice; nothing after the addition
        y = conv(bn_relu(x, f"{name}_1_"), 3, 1, stride)
        y = conv(bn_relu(y, f"{name}_2_"), 3, 2)
    else:  # Conv-BN-ReLU, Conv-BN, add, ReLU
        y = bn_relu(conv(x, 3, 1, stride), f"{name}_1_")
        y = batch_norm(f"{name}_2_bn")(conv(y, 3, 2))
    if shortcut == "projection":
        x = conv(x, 1, 0, stride)
    if shortcut is not None:
        y = layers.Add(name=f"{name}_add")([x, y])
    if not preactivation:
        y = layers.Activation("relu", name=f"{name}_out")(y)
    return y


def ResNetCIFAR(
    depth: int = 20,
    plain: bool = False,
    preactivation: bool = True,
    classes: int = 10,
    input_shape=(32, 32, 3),
    widths=(16, 32, 64),
    include_top: bool = True,
    classifier_activation="softmax",
    name=None,
) -> keras.Model:
    """The CIFAR ResNet of He et al. 2016 (Sec. 4.2): depth 6n + 2.

    A 3x3 conv to ``widths[0]`` channels, three stages of n residual blocks
    (``widths`` channels; the first block of stages 2 and 3 halves the size
    with stride 2 and a projection shortcut), global average pooling and a
    dense classifier. ``plain=True`` builds the same stack without shortcuts.
    Shapes: (b, 32, 32, 3) -> (b, classes).
    """
    depth = check_int("depth", depth)
    n, rest = divmod(depth - 2, 6)
    if rest or n < 1:
        raise ValueError(
            "depth must have the form 6n + 2 with n >= 1 (8, 14, 20, 32, 56, ...), "
            f"got {depth}"
        )
    check_int("classes", classes)
    input_shape = check_input_shape(input_shape)
    if not isinstance(widths, (tuple, list)) or len(widths) != 3:
        raise ValueError(f"widths must be three channel counts, got {widths!r}")
    for w in widths:
        check_int("widths", w)
    inputs = keras.Input(shape=input_shape, name="input_layer")
    x = layers.Conv2D(
        widths[0],
        3,
        padding="same",
        use_bias=False,
        kernel_initializer="he_normal",
        name="conv1_conv",
    )(inputs)
    if not preactivation:
        x = bn_relu(x, "conv1_")
    for s, filters in enumerate(widths):
        for b in range(n):
            stride = 2 if s > 0 and b == 0 else 1
            x = residual_block(
                x,
                filters,
                f"stage{s + 1}_block{b + 1}",
                stride,
                shortcut=None if plain else "auto",
                preactivation=preactivation,
            )
    if preactivation:
        x = bn_relu(x, "")
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if include_top:
        x = classifier(x, classes, classifier_activation)
    kind = "plain" if plain else "resnet"
    return keras.Model(inputs, x, name=name or f"{kind}{depth}")


def resnet_cifar_params(up_to: int, classes: int = 10, max_depth: int = 1000) -> dict:
    """``{depth: parameters}`` of :func:`ResNetCIFAR` at depths 8, 14, 20, ...
    (6n + 2), up to the first depth with at least ``up_to`` parameters: the
    candidates for "a ResNet of about the same size" as a network of
    ``up_to`` parameters (the closest is
    ``min(counts, key=lambda d: abs(counts[d] - up_to))``)."""
    up_to, counts = check_int("up_to", up_to), {}
    for depth in range(8, check_int("max_depth", max_depth) + 1, 6):
        counts[depth] = ResNetCIFAR(depth=depth, classes=classes).count_params()
        if counts[depth] >= up_to:
            return counts
    raise ValueError(
        f"up_to must be reached by a ResNet of depth <= max_depth ({max_depth}); "
        f"got up_to={up_to:,}, ResNet-{depth} has {counts[depth]:,} parameters"
    )
