"""The Dense Block: x_l = H_l([x_0, x_1, ..., x_{l-1}]) (paper Eq. 2).

Layer names follow ``keras.applications.densenet`` (``conv2_block1_0_bn``,
``conv2_block1_1_conv``, ...), so weights move across by name.
"""

from __future__ import annotations

from keras import layers

from .layers_common import bn_relu


def dense_layer(
    x, growth_rate: int, name: str, bottleneck: bool = True, dropout_rate: float = 0.0
):
    """One layer H_l of a Dense Block, with its concatenation.

    Plain (DenseNet):        BN-ReLU-Conv3x3(k)
    Bottleneck (DenseNet-B): BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k)

    then ``Concatenate([x, H_l(x)])``. keras.applications calls this
    ``conv_block``. Dropout (paper Sec. 4.2, CIFAR without augmentation)
    follows each convolution when ``dropout_rate > 0``.
    Shapes: (batch, h, w, c) -> (batch, h, w, c + k).
    """
    y = bn_relu(x, f"{name}_0_")
    if bottleneck:
        y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
        if dropout_rate:
            y = layers.Dropout(dropout_rate, name=f"{name}_1_drop")(y)
        y = bn_relu(y, f"{name}_1_")
    y = layers.Conv2D(
        growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv"
    )(y)
    if dropout_rate:
        y = layers.Dropout(dropout_rate, name=f"{name}_2_drop")(y)
    return layers.Concatenate(axis=-1, name=f"{name}_concat")([x, y])


def dense_block(
    x,
    num_layers: int,
    growth_rate: int,
    name: str,
    bottleneck: bool = True,
    dropout_rate: float = 0.0,
):
    """A Dense Block of ``num_layers`` dense layers named ``{name}_block1`` ...

    Layer l sees k_0 + k(l - 1) channels (paper Sec. 3, "Growth rate").
    Shapes: (batch, h, w, k_0) -> (batch, h, w, k_0 + num_layers * k).
    """
    for i in range(num_layers):
        x = dense_layer(
            x, growth_rate, f"{name}_block{i + 1}", bottleneck, dropout_rate
        )
    return x
