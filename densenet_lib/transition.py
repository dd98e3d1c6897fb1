"""Transition layers between Dense Blocks (paper Sec. 3, "Pooling layers").

BN -> ReLU -> Conv1x1(floor(theta * c)) -> AvgPool 2x2, stride 2. With
``compression`` theta < 1 the model is DenseNet-C (DenseNet-BC together with
bottlenecks). keras.applications names the layers ``pool2_bn``,
``pool2_relu``, ``pool2_conv``, ``pool2_pool``; it calls theta ``reduction``.
"""

from __future__ import annotations

from keras import layers

from .config import compressed_channels
from .layers_common import bn_relu


def transition_block(x, compression: float, name: str, dropout_rate: float = 0.0):
    """A transition layer.

    Shapes: (batch, h, w, c) -> (batch, floor(h / 2), floor(w / 2), floor(theta * c)).
    """
    channels = compressed_channels(x.shape[-1], compression)
    x = bn_relu(x, f"{name}_")
    x = layers.Conv2D(channels, 1, use_bias=False, name=f"{name}_conv")(x)
    if dropout_rate:
        x = layers.Dropout(dropout_rate, name=f"{name}_drop")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)
