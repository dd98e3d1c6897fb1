"""The Dense Block: x_l = H_l([x_0, x_1, ..., x_{l-1}]) (paper Eq. 2).

Layer names follow ``keras.applications.densenet`` (``conv2_block1_0_bn``,
``conv2_block1_1_conv``, ...), so weights move across by name.
``memory_efficient=True`` builds the same layers (names, variables) with
every BN-ReLU-Conv of every dense layer recomputed in the backward pass
(Pleiss et al. 2017, and the bottleneck's second one too;
:mod:`densenet_lib.memory_efficient`).
"""

from __future__ import annotations

from keras import layers

from .config import check_bool
from .layers_common import batch_norm, bn_relu
from .memory_efficient import BatchNormScaleShift, ChunkMoments, FusedBNReLUConv


def _new_features(
    feature_maps: list,
    growth_rate: int,
    name: str,
    bottleneck: bool,
    dropout_rate: float,
    moments: list | None = None,
):
    """H_l([x_0, ..., x_{l-1}]): the k new feature maps of one dense layer.

    Naive (``moments`` None): ``feature_maps`` is one tensor, the
    concatenation, then BN-ReLU-Conv. Memory-efficient (Pleiss et al. 2017):
    ``feature_maps`` is [x_0, ..., x_{l-1}] and ``moments`` their batch
    moments (:class:`ChunkMoments`); BN's affine map from them, then
    concatenation-BN-ReLU-Conv recomputed in the backward pass, which passes
    the feature maps on (:class:`FusedBNReLUConv`); a bottleneck's second
    BN-ReLU-Conv (BN2-ReLU-Conv3x3) is recomputed the same way, so a layer
    stores only its two convolutions' outputs. The first conv is
    ``{name}_1_conv`` with a bottleneck, ``{name}_2_conv`` without.
    Returns the new maps and the feature maps for the next layer.
    Shapes: [(b, h, w, c_i)] -> (b, h, w, k), [(b, h, w, c_i)].
    """
    first = 4 * growth_rate if bottleneck else growth_rate
    first_conv = dict(
        filters=first,
        kernel_size=1 if bottleneck else 3,
        padding="valid" if bottleneck else "same",
        use_bias=False,
        name=f"{name}_1_conv" if bottleneck else f"{name}_2_conv",
    )
    if moments is not None:
        scale, shift = batch_norm(f"{name}_0_bn", BatchNormScaleShift)(moments)
        y, *feature_maps = FusedBNReLUConv(**first_conv)([*feature_maps, scale, shift])
    else:
        y = bn_relu(feature_maps[0], f"{name}_0_")
        y = layers.Conv2D(**first_conv)(y)
    if bottleneck:
        if dropout_rate:
            y = layers.Dropout(dropout_rate, name=f"{name}_1_drop")(y)
        second_conv = dict(
            filters=growth_rate,
            kernel_size=3,
            padding="same",
            use_bias=False,
            name=f"{name}_2_conv",
        )
        if moments is not None:  # BN-ReLU-Conv3x3 recomputed as well
            bn = batch_norm(f"{name}_1_bn", BatchNormScaleShift)
            scale, shift = bn(_moments(y, f"{name}_1"))
            y, _ = FusedBNReLUConv(**second_conv)([y, scale, shift])
        else:
            y = bn_relu(y, f"{name}_1_")
            y = layers.Conv2D(**second_conv)(y)
    if dropout_rate:
        y = layers.Dropout(dropout_rate, name=f"{name}_2_drop")(y)
    return y, feature_maps


def _moments(chunk, name: str) -> list:
    """The batch moments of one chunk, [μ, σ²], named ``{name}_moments``."""
    return list(ChunkMoments(name=f"{name}_moments")(chunk))


def dense_layer(
    x,
    growth_rate: int,
    name: str,
    bottleneck: bool = True,
    dropout_rate: float = 0.0,
    memory_efficient: bool = False,
):
    """One layer H_l of a Dense Block, with its concatenation.

    Plain (DenseNet):        BN-ReLU-Conv3x3(k)
    Bottleneck (DenseNet-B): BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k)

    then ``Concatenate([x, H_l(x)])``. keras.applications calls this
    ``conv_block``. Dropout (paper Sec. 4.2, CIFAR without augmentation)
    follows each convolution when ``dropout_rate > 0``. ``memory_efficient``:
    each BN-ReLU-Conv recomputed in the backward pass (Pleiss et al. 2017),
    same layer names and weights.
    Shapes: (batch, h, w, c) -> (batch, h, w, c + k).
    """
    check_bool("memory_efficient", memory_efficient)
    moments = _moments(x, f"{name}_input") if memory_efficient else None
    y, maps = _new_features([x], growth_rate, name, bottleneck, dropout_rate, moments)
    return layers.Concatenate(axis=-1, name=f"{name}_concat")([*maps, y])


def dense_block(
    x,
    num_layers: int,
    growth_rate: int,
    name: str,
    bottleneck: bool = True,
    dropout_rate: float = 0.0,
    memory_efficient: bool = False,
):
    """A Dense Block of ``num_layers`` dense layers named ``{name}_block1`` ...

    Layer l sees k_0 + k(l - 1) channels (paper Sec. 3, "Growth rate").
    ``memory_efficient`` (Pleiss et al. 2017): every layer reads the list of
    feature maps [x_0, ..., x_{l-1}], stored once each (passed from layer to
    layer), and their batch moments, computed once each; it recomputes their
    concatenation, BN and ReLU in the backward pass (and, with a bottleneck,
    the second BN and ReLU); the block concatenates
    once at its end (``{name}_block{num_layers}_concat``). Same layer names
    and weights as the naive block.
    Shapes: (batch, h, w, k_0) -> (batch, h, w, k_0 + num_layers * k).
    """
    check_bool("memory_efficient", memory_efficient)
    if not memory_efficient:
        for i in range(num_layers):
            x = dense_layer(
                x, growth_rate, f"{name}_block{i + 1}", bottleneck, dropout_rate
            )
        return x
    # Each layer's feature maps and batch moments (Pleiss et al. 2017).
    feature_maps, moments = [x], _moments(x, f"{name}_input")
    for i in range(num_layers):
        layer = f"{name}_block{i + 1}"
        y, feature_maps = _new_features(
            feature_maps, growth_rate, layer, bottleneck, dropout_rate, moments
        )
        if i + 1 < num_layers:  # the last layer's maps have no reader here
            moments += _moments(y, layer)
        feature_maps.append(y)
    return layers.Concatenate(axis=-1, name=f"{name}_block{num_layers}_concat")(
        feature_maps
    )
