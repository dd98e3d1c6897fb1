"""Feature-map memory: how many numbers a network's layers output for one image.

A Dense Block's layer l concatenates its input (k_0 + k(l - 1) channels,
Huang et al. 2017, Sec. 3) with its k new channels. A naive implementation,
such as :func:`densenet_lib.dense_block` built from Keras layers, stores every
such concatenation as a new tensor, so the block's feature maps grow
*quadratically* with its number of layers L. Pleiss et al. (2017,
"Memory-Efficient Implementation of DenseNets") keep only the block input and
each layer's k new maps (k_0 + kL channels in all, linear in L). Their
paper uses two *shared memory storages*, not one buffer: every layer writes
its concatenation into the first and its batch-normalization output into the
second, overwriting the previous layer's, and the backward pass recomputes
both into the same storage when it needs them (a concatenation and a BN are
cheap to redo). Their released PyTorch code now does the same by
checkpointing (``torch.utils.checkpoint``: the two tensors are dropped in the
forward pass and recomputed), as :mod:`densenet_lib.memory_efficient` does
with ``keras.remat``. The ``"persistent"`` count is those k_0 + kL channels;
the two storages, each as large as the last concatenation (k_0 + kL
channels), at most triple it, and it stays linear in L.

For a whole network, :func:`network_elements` adds up, from the channel plan
alone, every layer output of the naive model (``dl.DenseNet(...)``) or of the
memory-efficient one (``memory_efficient=True``: each dense layer reads the
list [x_0, ..., x_{l-1}], so the concatenation, BN and ReLU of its input are
never layer outputs, and each block concatenates once, at its end).

Counts are numbers of elements per example; multiply by the batch size and
the bytes per element (4 for float32) for bytes.
"""

from __future__ import annotations

import math

import keras

from .config import (
    DenseNetConfig,
    check_bool,
    check_choice,
    check_int,
    spatial_after_stem_conv,
)
from .plan import ChannelPlan, channel_plan

COUNTS = ("all_outputs", "memory_efficient", "concatenations", "persistent")


def layer_output_elements(model) -> dict:
    """Elements of each layer's output for one example, ``{layer name: count}``.

    ``model`` is a built functional or sequential Keras model whose output
    shapes are fully known apart from the batch axis: a layer with output
    shape (None, h, w, c) counts h * w * c. Input layers are left out (they
    hold the data, not a computed feature map); a layer with several outputs
    counts them all, apart from inputs it passes on unchanged (a layer's
    ``new_outputs`` attribute, if it has one, counts its new ones). An
    output with no batch axis, one whose first axis is not the inputs' batch
    axis (e.g. the (c,) scale and shift vectors of
    :class:`~densenet_lib.memory_efficient.BatchNormScaleShift`, shared by
    the whole batch), counts 0 per example.
    """
    layers = getattr(model, "layers", None)
    if layers is None:
        raise ValueError(
            f"model must be a built Keras model, got {type(model).__name__}"
        )
    inputs = getattr(model, "inputs", None) or [None]
    batch = None if inputs[0] is None else tuple(inputs[0].shape)[0]
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
        # Outputs passed on unchanged (FusedBNReLUConv's) are no new memory.
        outputs = outputs[: getattr(layer, "new_outputs", len(outputs))]
        total = 0
        for tensor in outputs:
            if not _has_batch_axis(tuple(tensor.shape), batch):
                continue  # one copy for the whole batch: 0 per example
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


def _has_batch_axis(shape: tuple, batch) -> bool:
    """Whether a tensor of ``shape`` has the inputs' batch axis (size ``batch``,
    ``None`` unless the model was built for a fixed batch size) first."""
    return len(shape) > 0 and shape[0] == batch


def feature_map_elements(model) -> int:
    """Total elements of every layer output of ``model`` for one example.

    This is what a naive forward pass keeps alive for the backward pass
    (frameworks may free or fuse some of it): the sum of
    :func:`layer_output_elements`. Shapes: any model with fixed input size.
    """
    return sum(layer_output_elements(model).values())


def _new_feature_channels(
    growth_rate: int, bottleneck: bool, dropout: bool, memory_efficient: bool
) -> int:
    """Channels of the layer outputs of H_l after its first BN-ReLU, per pixel.

    The 3x3 conv's k (and its dropout's k); with a bottleneck, also the
    Conv1x1 and its dropout at 4k each, and in the naive layer the second BN
    and ReLU at 4k each. (The memory-efficient layer recomputes those two in
    its fused 3x3 conv, whose output, like the fused Conv1x1's, is a layer
    output.)
    """
    k, repeat = growth_rate, 2 if dropout else 1
    bn_relu = 0 if memory_efficient else 2
    return repeat * k + (4 * k * (repeat + bn_relu) if bottleneck else 0)


def dense_block_elements(
    num_layers: int,
    growth_rate: int,
    init_channels: int,
    height: int = 1,
    width: int = 1,
    bottleneck: bool = False,
    count: str = "all_outputs",
    dropout: bool = False,
) -> int:
    """Feature-map elements of one Dense Block for one example, by arithmetic.

    Layer l receives c_l = k_0 + k(l - 1) channels (``init_channels`` = k_0,
    ``growth_rate`` = k) on an ``height`` x ``width`` grid. ``count``:

    - ``"all_outputs"``: every layer output of :func:`densenet_lib.dense_block`
      (equal to :func:`feature_map_elements` of the built block): per layer
      BN (c_l), ReLU (c_l), the 3x3 conv (k) and the concatenation
      (c_l + k); with ``bottleneck`` also Conv1x1, BN and ReLU (4k each);
      with ``dropout`` (``dropout_rate > 0``) a Dropout after each conv;
    - ``"memory_efficient"``: every layer output of the block built with
      ``memory_efficient=True`` (Pleiss et al. 2017): per layer only the
      convolutions (and the dropouts), since both BNs' (c,) scale and shift
      vectors count 0 per example, and one concatenation at the end,
      k_0 + kL: linear in L;
    - ``"concatenations"``: only the concatenated tensors,
      sum_l (k_0 + kl) = L k_0 + k L(L + 1)/2 channels: quadratic in L;
    - ``"persistent"``: the k_0 + kL channels that persist when the
      concatenations and BN outputs live in the two shared, recomputed
      storages (Pleiss et al. 2017): linear in L.

    Each is multiplied by ``height * width``.
    """
    L = check_int("num_layers", num_layers)
    k = check_int("growth_rate", growth_rate)
    k0 = check_int("init_channels", init_channels)
    area = check_int("height", height) * check_int("width", width)
    check_bool("bottleneck", bottleneck)
    check_choice("count", count, COUNTS)
    check_bool("dropout", dropout)
    persistent = k0 + k * L
    if count == "persistent":
        return persistent * area
    concatenations = L * k0 + k * L * (L + 1) // 2
    if count == "concatenations":
        return concatenations * area
    efficient = count == "memory_efficient"
    new_features = L * _new_feature_channels(k, bottleneck, dropout, efficient)
    if efficient:
        return (new_features + persistent) * area
    inputs = L * k0 + k * L * (L - 1) // 2  # sum of c_l: the BN and the ReLU
    return (concatenations + 2 * inputs + new_features) * area


def _stem_elements(config: DenseNetConfig, stem) -> int:
    """Every layer output of the stem (:func:`densenet_lib.densenet.apply_stem`).

    ImageNet: conv1_pad (H + 6)(W + 6)C; conv1_conv, conv1_bn, conv1_relu
    h_1 w_1 k_0 each (h_1 = ⌈H/2⌉); pool1_pad (h_1 + 2)(w_1 + 2)k_0; pool1
    h_2 w_2 k_0. CIFAR: conv1_conv H W k_0. ``stem`` is the plan's stem row.
    """
    height, width, channels = config.input_shape
    c = stem.channels_out
    if config.stem == "cifar":
        return height * width * c
    h1 = spatial_after_stem_conv(height, config.stem)
    w1 = spatial_after_stem_conv(width, config.stem)
    padded = (height + 6) * (width + 6) * channels  # zero padding 3
    convolved = (3 * h1 * w1 + (h1 + 2) * (w1 + 2)) * c  # conv, BN, ReLU; pad 1
    return padded + convolved + stem.height * stem.width * c


def _unit_elements(plan: ChannelPlan, row, before, count: str) -> int:
    """Every layer output of the unit that ends at boundary ``row`` of the plan
    (:meth:`ChannelPlan.boundaries`); ``before`` is the boundary before it.

    A Dense Block: :func:`dense_block_elements`. A transition: BN, ReLU (c
    each) and the 1x1 conv (⌊θc⌋, and its dropout) on the block's maps,
    then the pooled ⌊θc⌋. The head: BN, ReLU (c each), then the global pool
    (c) and the classifier (classes), or the pool alone.
    """
    config = plan.config
    dropout = config.dropout_rate > 0
    if row.kind == "stem":
        return _stem_elements(config, row)
    if row.kind == "dense_layer":  # a block's last layer: the whole block
        return dense_block_elements(
            config.blocks[row.block - 1],
            config.growth_rate,
            plan.block_input_channels(row.block),
            row.height,
            row.width,
            config.bottleneck,
            count,
            dropout,
        )
    c, area = row.channels_in, before.height * before.width
    if row.kind == "transition":
        conv = row.channels_out * (2 if dropout else 1)
        return (2 * c + conv) * area + row.channels_out * row.height * row.width
    pooled = c if config.include_top or config.pooling else 0
    return 2 * c * area + pooled + (config.classes if config.include_top else 0)


def network_elements(plan, memory_efficient: bool | None = None) -> int:
    """Feature-map elements per example of a whole DenseNet, by arithmetic.

    ``plan``: a :class:`~densenet_lib.ChannelPlan` (or a
    :class:`~densenet_lib.DenseNetConfig`, planned first) with a fixed input
    size. The sum of every layer output, what :func:`feature_map_elements`
    counts on the built model: the naive model (``memory_efficient=False``)
    stores each dense layer's concatenation, BN and ReLU, c_l channels each,
    so each block's count grows quadratically in its layers; the
    memory-efficient one (``True``; ``None``: the config's own
    ``memory_efficient``) is Pleiss et al.'s (2017) "memory-efficient
    implementation", whose concatenation and BN live in "shared memory
    storage", recomputed: its layers output only the new features and one
    concatenation per block, linear in the layers per block.
    Shapes: (b, H, W, C) -> elements of one example's feature maps.
    """
    if isinstance(plan, DenseNetConfig):
        plan = channel_plan(plan)
    if not isinstance(plan, ChannelPlan):
        raise ValueError(
            f"plan must be a ChannelPlan or a DenseNetConfig, got {type(plan).__name__}"
        )
    config = plan.config
    if memory_efficient is None:
        memory_efficient = config.memory_efficient
    check_bool("memory_efficient", memory_efficient)
    if None in config.input_shape[:2]:
        raise ValueError(
            f"input_shape {config.input_shape}: count feature maps of a network "
            "with a fixed input size (height and width)"
        )
    count = "memory_efficient" if memory_efficient else "all_outputs"
    rows = plan.boundaries()
    return sum(
        _unit_elements(plan, row, before, count)
        for before, row in zip([None, *rows], rows)
    )


def largest_batch(
    plan,
    budget_gb: float,
    memory_efficient: bool | None = None,
    bytes_per_element: int = 4,
) -> int:
    """The largest training batch whose feature maps fit ``budget_gb``, estimated.

    An estimate from the counts alone, no measurement: the budget (GB, 10^9
    bytes) less the weights, their gradients and SGD's momentum (3 copies of
    the parameters), divided by one example's :func:`network_elements` at
    ``bytes_per_element`` (4: float32). Real use is higher (the gradients of
    the feature maps, the temporaries, the framework), so read it as an
    upper bound on the batch. ``plan`` and ``memory_efficient`` as in
    :func:`network_elements`. 0 if not even the weights fit.
    """
    if isinstance(plan, DenseNetConfig):
        plan = channel_plan(plan)
    if not isinstance(budget_gb, (int, float)) or not budget_gb > 0:
        raise ValueError(f"budget_gb must be a number > 0, got {budget_gb!r}")
    element = check_int("bytes_per_element", bytes_per_element)
    per_example = network_elements(plan, memory_efficient) * element
    free = budget_gb * 1e9 - 3 * plan.params * 4
    return max(0, int(free // per_example))


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
