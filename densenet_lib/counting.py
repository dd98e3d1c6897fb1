"""Counting a *built* Keras model: multiply-adds and a stage-level summary.

:func:`densenet_lib.channel_plan` predicts a DenseNet's cost from its
configuration; the functions here read the cost off any built model instead,
layer by layer, so the two can be checked against each other and a DenseNet
can be set beside a network the plan knows nothing about
(``keras.applications.ResNet50``).

Convention: one multiply-add (MAC) is one multiplication of a weight by an
input value and its accumulation. Only convolutions and fully-connected
layers are counted; biases, batch normalization, activations, pooling and
concatenation are not (they are linear in the feature-map size and small
next to the convolutions). This is the quantity the DenseNet paper's
Figure 3 and the ResNet paper's Table 1 call "FLOPs"; a count of
floating-point operations proper is about twice as large.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import keras

from .config import check_model

_CONVS = (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)
_DEPTHWISE = (keras.layers.DepthwiseConv1D, keras.layers.DepthwiseConv2D)
_SEPARABLE = (keras.layers.SeparableConv1D, keras.layers.SeparableConv2D)
_TRANSPOSED = (
    keras.layers.Conv1DTranspose,
    keras.layers.Conv2DTranspose,
    keras.layers.Conv3DTranspose,
)
_UNSUPPORTED = (keras.layers.EinsumDense,)


def _tensor_shape(layer, attribute: str) -> tuple:
    """The shape of ``layer.input`` or ``layer.output``; one call site only."""
    # Keras 3 answers ``layer.output`` with the first call's tensor even when
    # the layer is called again; refuse rather than count one call of several.
    if len(getattr(layer, "_inbound_nodes", ())) > 1:
        raise ValueError(
            f"model: layer {layer.name!r} is shared (called "
            f"{len(layer._inbound_nodes)} times); count a model whose layers "
            "are each used once"
        )
    try:
        tensor = getattr(layer, attribute)
    except (AttributeError, ValueError) as error:
        raise ValueError(
            f"model: layer {layer.name!r} has no {attribute} (was the model "
            "built on a keras.Input?)"
        ) from error
    if isinstance(tensor, (list, tuple)):
        raise ValueError(
            f"model: layer {layer.name!r} has several {attribute}s; cannot count it"
        )
    return tuple(tensor.shape)


def _spatial(layer, shape: tuple) -> int:
    """The number of positions of a (batch, *spatial, channels) feature map."""
    channels_first = getattr(layer, "data_format", "channels_last") == "channels_first"
    sizes = shape[2:] if channels_first else shape[1:-1]
    if any(size is None for size in sizes):
        raise ValueError(
            f"model: layer {layer.name!r} sees feature maps of unknown size {shape}; "
            "build the model with a fixed input_shape, e.g. (224, 224, 3)"
        )
    return math.prod(sizes)


def _kernel_size(weight) -> int:
    return math.prod(int(d) for d in weight.shape)


def layer_macs(layer) -> int:
    """Multiply-adds of one call of ``layer``, for one example.

    Conv1D/2D/3D (any ``groups``), DepthwiseConv1D/2D: output positions x
    kernel size, where the kernel of shape (*window, c_in / groups, c_out)
    holds exactly the weights applied at one position. SeparableConv: the
    depthwise and the pointwise kernel, both at every output position.
    ConvTranspose: input positions x kernel size. Dense: kernel size times
    the positions it is applied at (1 for a (batch, features) input). Any
    other layer: 0 (see the module docstring). Nested models are summed.

    Raises ``ValueError`` for a shared layer, an unknown feature-map size,
    or a weighted layer whose cost this function does not know.
    """
    if isinstance(layer, keras.Model):
        return model_macs(layer)
    if isinstance(layer, _CONVS + _DEPTHWISE):
        return _spatial(layer, _tensor_shape(layer, "output")) * _kernel_size(
            layer.kernel
        )
    if isinstance(layer, _SEPARABLE):
        per_position = _kernel_size(layer.depthwise_kernel) + _kernel_size(
            layer.pointwise_kernel
        )
        return _spatial(layer, _tensor_shape(layer, "output")) * per_position
    if isinstance(layer, _TRANSPOSED):
        return _spatial(layer, _tensor_shape(layer, "input")) * _kernel_size(
            layer.kernel
        )
    if isinstance(layer, keras.layers.Dense):
        shape = _tensor_shape(layer, "input")
        if any(size is None for size in shape[1:-1]):
            raise ValueError(
                f"model: layer {layer.name!r} has an input of unknown size {shape}"
            )
        return math.prod(shape[1:-1]) * _kernel_size(layer.kernel)
    if isinstance(layer, _UNSUPPORTED):
        raise ValueError(
            f"model: cannot count layer {layer.name!r} ({type(layer).__name__})"
        )
    return 0


def model_macs(model) -> int:
    """Multiply-adds of one forward pass of one example through ``model``.

    The sum of :func:`layer_macs` over the model's layers. For a DenseNet it
    equals ``channel_plan(config).macs``; for DenseNet-121 at 224 x 224 it
    is the quantity plotted as "FLOPs" in the paper's Figure 3.

    Args:
        model: a functional or Sequential ``keras.Model`` built on a
            fixed input size, e.g. ``keras.applications.ResNet50(weights=None)``.

    Returns:
        An ``int``.

    Raises:
        ValueError: naming ``model`` if it is not a ``keras.Model``, or has a
            layer that cannot be counted (see :func:`layer_macs`).
    """
    check_model("model", model)
    return sum(layer_macs(layer) for layer in model.layers)


_STAGE = re.compile(r"^(conv|pool)(\d+)(?:_|$)")


def stage_of(layer_name: str) -> str:
    """The stage of a layer named the keras.applications way.

    ``conv1_*`` and ``pool1*`` (the 7x7 convolution and the max pooling) are
    the ``"stem"``; ``convN_*`` (N >= 2) is stage ``"convN"`` (a Dense Block,
    or a ResNet stage); ``poolN_*`` (N >= 2) is ``"poolN"`` (a DenseNet
    transition layer); ``input_layer`` is ``"input"``; everything else (the
    final BN, pooling and classifier) is ``"head"``.
    """
    if not isinstance(layer_name, str):
        raise ValueError(f"layer_name must be a string, got {layer_name!r}")
    match = _STAGE.match(layer_name)
    if match:
        return "stem" if match.group(2) == "1" else f"{match.group(1)}{match.group(2)}"
    return "input" if layer_name.startswith("input") else "head"


@dataclass(frozen=True)
class StageRow:
    """One stage of a built model: how many layers, parameters and multiply-adds,
    and the shape of the stage's last output (batch axis dropped)."""

    stage: str
    layers: int
    params: int
    macs: int
    output_shape: tuple


def stage_summary(model) -> tuple:
    """``model.summary()`` folded into stages (see :func:`stage_of`).

    keras.applications' DenseNets, ResNets and ``densenet_lib``'s models all
    name their layers ``conv1_...``, ``conv2_block1_...``, ``pool2_...``, so
    DenseNet-121's 400-odd layers fold into nine rows (stem, four blocks,
    three transitions, head) and ResNet-50's into six. Unnamed layers
    (keras.applications' ``zero_padding2d``) join the stage of the layer
    before them. Rows keep the order in which the stages first appear; the
    input layer is left out. Parameters and multiply-adds sum to
    ``model.count_params()`` and :func:`model_macs`.

    Raises ``ValueError`` as :func:`model_macs`.
    """
    check_model("model", model)
    rows, current = {}, "stem"
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        stage = stage_of(layer.name)
        if re.match(r"^zero_padding\dd(_\d+)?$", layer.name):
            stage = current  # keras.applications leaves its two paddings unnamed
        current = stage
        layers, params, macs, _ = rows.get(stage, (0, 0, 0, None))
        shape = _tensor_shape(layer, "output")[1:]
        rows[stage] = (
            layers + 1,
            params + layer.count_params(),
            macs + layer_macs(layer),
            shape,
        )
    return tuple(StageRow(stage, *values) for stage, values in rows.items())


def resolution_summary(model) -> dict:
    """:func:`stage_summary` by feature-map resolution:
    ``{stage: (params, multiply-adds, output shape)}`` where a DenseNet's
    transition ``poolN`` is counted with the Dense Block ``convN`` before it
    (it works on that block's maps), so that DenseNets and ResNets line up
    stage for stage: ``stem``, ``conv2`` ... ``conv5``, ``head``."""
    out = {}
    for s in stage_summary(model):
        key = s.stage.replace("pool", "conv")
        params, macs, shape = out.get(key, (0, 0, s.output_shape))
        out[key] = (params + s.params, macs + s.macs, shape)
    return out
