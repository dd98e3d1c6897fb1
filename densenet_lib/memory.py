"""Feature-map memory: how many numbers a network's layers output for one image.

A Dense Block's layer l concatenates its input (k_0 + k(l - 1) channels,
Huang et al. 2017, Sec. 3) with its k new channels. A naive implementation,
such as :func:`densenet_lib.dense_block` built from Keras layers, stores every
such concatenation as a new tensor, so the block's feature maps grow
*quadratically* with its number of layers L. Pleiss et al. (2017,
"Memory-Efficient Implementation of DenseNets") keep only the block input and
each layer's k new maps (k_0 + kL channels in all, linear in L): every
layer's concatenation, and its batch-normalization output, are written into
shared memory storage that the next layer overwrites, and the backward pass
recomputes them there (a concatenation and a BN are cheap to redo). The
``"shared_buffer"`` count is those k_0 + kL persistent channels; the two
shared storages, each as large as the last concatenation (k_0 + kL
channels), at most triple it, and it stays linear in L.

Counts are numbers of elements per example; multiply by the batch size and
the bytes per element (4 for float32) for bytes.
"""

from __future__ import annotations

import math

import keras

from .config import check_choice, check_int

COUNTS = ("all_outputs", "concatenations", "shared_buffer")


def layer_output_elements(model) -> dict:
    """Elements of each layer's output for one example, ``{layer name: count}``.

    ``model`` is a built functional or sequential Keras model whose output
    shapes are fully known apart from the batch axis: a layer with output
    shape (None, h, w, c) counts h * w * c. Input layers are left out (they
    hold the data, not a computed feature map); a layer with several outputs
    counts them all.
    """
    layers = getattr(model, "layers", None)
    if layers is None:
        raise ValueError(
            f"model must be a built Keras model, got {type(model).__name__}"
        )
    counts = {}
    for layer in layers:
        if type(layer).__name__ == "InputLayer":
            continue
        try:
            outputs = layer.output
        except (AttributeError, ValueError) as error:
            raise ValueError(
                f"model: layer {layer.name!r} has no output shape yet; build the model "
                f"on a keras.Input first ({error})"
            ) from None
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        total = 0
        for tensor in outputs:
            shape = tuple(tensor.shape)[1:]
            if any(size is None for size in shape):
                raise ValueError(
                    f"model: layer {layer.name!r} has output shape "
                    f"{tuple(tensor.shape)}; "
                    "count feature maps on a model built with a fixed input size"
                )
            total += math.prod(shape)
        counts[layer.name] = total
    return counts


def feature_map_elements(model) -> int:
    """Total elements of every layer output of ``model`` for one example.

    This is what a naive forward pass keeps alive for the backward pass
    (frameworks may free or fuse some of it): the sum of
    :func:`layer_output_elements`. Shapes: any model with fixed input size.
    """
    return sum(layer_output_elements(model).values())


def dense_block_elements(
    num_layers: int,
    growth_rate: int,
    init_channels: int,
    height: int = 1,
    width: int = 1,
    bottleneck: bool = False,
    count: str = "all_outputs",
) -> int:
    """Feature-map elements of one Dense Block for one example, by arithmetic.

    Layer l receives c_l = k_0 + k(l - 1) channels (``init_channels`` = k_0,
    ``growth_rate`` = k) on an ``height`` x ``width`` grid. ``count``:

    - ``"all_outputs"``: every layer output of :func:`densenet_lib.dense_block`
      (equal to :func:`feature_map_elements` of the built block): per layer
      BN (c_l), ReLU (c_l), the 3x3 conv (k) and the concatenation
      (c_l + k); with ``bottleneck`` also Conv1x1, BN and ReLU (4k each);
    - ``"concatenations"``: only the concatenated tensors,
      sum_l (k_0 + kl) = L k_0 + k L(L + 1)/2 channels: quadratic in L;
    - ``"shared_buffer"``: the k_0 + kL channels that persist when the
      concatenations and BN outputs live in shared, recomputed storage
      (Pleiss et al. 2017): linear in L.

    Each is multiplied by ``height * width``.
    """
    L = check_int("num_layers", num_layers)
    k = check_int("growth_rate", growth_rate)
    k0 = check_int("init_channels", init_channels)
    area = check_int("height", height) * check_int("width", width)
    if not isinstance(bottleneck, bool):
        raise ValueError(f"bottleneck must be True or False, got {bottleneck!r}")
    check_choice("count", count, COUNTS)
    if count == "shared_buffer":
        return (k0 + k * L) * area
    concatenations = L * k0 + k * L * (L + 1) // 2
    if count == "concatenations":
        return concatenations * area
    inputs = L * k0 + k * L * (L - 1) // 2  # sum of c_l
    # The 3x3 conv's k; with a bottleneck, its Conv1x1, BN and ReLU at 4k each.
    per_layer_extra = k + (12 * k if bottleneck else 0)
    return (concatenations + 2 * inputs + L * per_layer_extra) * area


def built_dense_block_elements(
    num_layers: int, growth_rate: int, init_channels: int, size: int
) -> int:
    """:func:`feature_map_elements` of a built plain :func:`dense_block` on
    ``size`` x ``size`` maps: what :func:`dense_block_elements` predicts.
    Shapes: (b, size, size, k_0) -> (b, size, size, k_0 + kL)."""
    from .dense_block import dense_block

    size = check_int("size", size)
    inputs = keras.Input(shape=(size, size, check_int("init_channels", init_channels)))
    out = dense_block(inputs, num_layers, growth_rate, name="c", bottleneck=False)
    return feature_map_elements(keras.Model(inputs, out))


def dense_block_vs_residual_stack(
    num_layers: int, growth_rate: int, init_channels: int, size: int
) -> dict:
    """Parameters and feature-map elements per example of a plain Dense Block
    and of a residual stack with the same output width k_0 + kL and the same
    number of 3x3 convolutions (L / 2 pre-activation residual blocks; the first
    one projects the k_0 input channels), both on ``size`` x ``size`` maps:
    ``{"dense block": (params, elements), "residual stack": (params, elements)}``.
    """
    from .dense_block import dense_block
    from .residual import residual_block

    L = check_int("num_layers", num_layers)
    if L % 2:
        raise ValueError(
            f"num_layers must be even (two 3x3 convolutions per residual "
            f"block), got {L}"
        )
    width = check_int("init_channels", init_channels) + growth_rate * L
    inputs = keras.Input(shape=(check_int("size", size), size, init_channels))
    dense = dense_block(inputs, L, growth_rate, name="conv2", bottleneck=False)
    x = inputs
    for b in range(L // 2):
        x = residual_block(x, width, name=f"res{b + 1}")
    models = {
        "dense block": keras.Model(inputs, dense),
        "residual stack": keras.Model(inputs, x),
    }
    return {
        name: (model.count_params(), feature_map_elements(model))
        for name, model in models.items()
    }
