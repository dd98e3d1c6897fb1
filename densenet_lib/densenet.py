"""The whole DenseNet: a stem, Dense Blocks with transitions between them, a head.

stem -> (Dense Block -> transition) x (n - 1) -> Dense Block -> head.

One builder, :func:`DenseNet`, with keras.applications' argument names where
they exist, and presets: the ImageNet DenseNets of
:data:`densenet_lib.IMAGENET_VARIANTS` (the paper's Table 1, and
torchvision's DenseNet-161) and the CIFAR models of Table 2. Layer names
equal keras.applications' so weights move across by name.
"""

from __future__ import annotations

import dataclasses

import keras
from keras import layers

from .config import DenseNetConfig, check_choice, depth_to_blocks
from .dense_block import dense_block
from .layers_common import bn_relu, classifier
from .plan import check_size
from .transition import transition_block
from .variants import IMAGENET_VARIANTS, imagenet_variant
from .weights import check_weights, load_weights

CIFAR_PRESETS = {
    "densenet40_k12": dict(depth=40, growth_rate=12, bottleneck=False, compression=1.0),
    "densenet100_k12": dict(
        depth=100, growth_rate=12, bottleneck=False, compression=1.0
    ),
    "densenet100_k24": dict(
        depth=100, growth_rate=24, bottleneck=False, compression=1.0
    ),
    "densenet_bc100_k12": dict(
        depth=100, growth_rate=12, bottleneck=True, compression=0.5
    ),
    "densenet_bc250_k24": dict(
        depth=250, growth_rate=24, bottleneck=True, compression=0.5
    ),
    "densenet_bc190_k40": dict(
        depth=190, growth_rate=40, bottleneck=True, compression=0.5
    ),
}
"""The CIFAR models of the paper's Table 2."""


def apply_stem(x, config: DenseNetConfig):
    """The first convolution (and, for ImageNet, the first pooling).

    ``"imagenet"``: ZeroPadding 3 + Conv7x7/2 + BN + ReLU + ZeroPadding 1 +
    MaxPool3x3/2, as keras.applications (and the seed's Keras-1 code) build it;
    (b, H, W, C) -> (b, ceil(H/4), ceil(W/4), init_channels).
    ``"cifar"``: one Conv3x3 (paper Sec. 3, "Implementation details"; the first
    dense layer's BN-ReLU follows); (b, H, W, C) -> (b, H, W, init_channels).
    """
    channels = config.stem_channels
    if config.stem == "cifar":
        return layers.Conv2D(
            channels, 3, padding="same", use_bias=False, name="conv1_conv"
        )(x)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(x)
    x = layers.Conv2D(channels, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = bn_relu(x, "conv1_")
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    return layers.MaxPooling2D(3, strides=2, name="pool1")(x)


def apply_head(x, config: DenseNetConfig):
    """Final BN + ReLU, then global average pooling and the classifier.

    Without the top: ``pooling`` (``None``, ``"avg"`` or ``"max"``) instead.
    Shapes: (b, h, w, c) -> (b, classes), (b, c) or (b, h, w, c).
    """
    x = bn_relu(x, "")
    if config.include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        return classifier(x, config.classes, config.classifier_activation)
    if config.pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if config.pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def build_densenet(config: DenseNetConfig) -> keras.Model:
    """Build the functional model of a validated :class:`DenseNetConfig`.

    Blocks are named ``conv2``, ``conv3``, ... and the transitions after them
    ``pool2``, ``pool3``, ... (keras.applications' scheme: ``conv1`` is the stem).
    """
    if keras.config.image_data_format() != "channels_last":
        raise ValueError(
            "densenet_lib builds channels_last models only; "
            "set keras.config.set_image_data_format('channels_last')"
        )
    try:
        keras.activations.get(config.classifier_activation)
    except (ValueError, TypeError) as error:
        raise ValueError(
            "classifier_activation must be None, a Keras activation name "
            f"(e.g. 'softmax') or a callable, got {config.classifier_activation!r}"
        ) from error
    check_size(config)  # before Keras allocates anything
    inputs = keras.Input(shape=config.input_shape, name="input_layer")
    x = apply_stem(inputs, config)
    last = len(config.blocks) - 1
    for i, num_layers in enumerate(config.blocks):
        stage = i + 2
        x = dense_block(
            x,
            num_layers,
            config.growth_rate,
            f"conv{stage}",
            bottleneck=config.bottleneck,
            dropout_rate=config.dropout_rate,
            memory_efficient=config.memory_efficient,
        )
        if i < last:
            x = transition_block(
                x, config.compression, f"pool{stage}", config.dropout_rate
            )
    outputs = apply_head(x, config)
    return keras.Model(inputs, outputs, name=config.name)


def DenseNet(
    blocks,
    growth_rate=32,
    init_channels=None,
    bottleneck=True,
    compression=0.5,
    dropout_rate=0.0,
    stem="imagenet",
    include_top=True,
    pooling=None,
    classes=1000,
    input_shape=None,
    classifier_activation="softmax",
    name="densenet",
    memory_efficient=False,
) -> keras.Model:
    """Build any DenseNet (Huang et al., CVPR 2017).

    Args:
        blocks: dense layers per Dense Block, e.g. ``(6, 12, 24, 16)`` for
            DenseNet-121 (Table 1).
        growth_rate: k, the channels each dense layer adds (Sec. 3).
        init_channels: output channels of the first convolution; default 2k.
        bottleneck: DenseNet-B's BN-ReLU-Conv1x1(4k) before each 3x3 conv.
        compression: θ in (0, 1]; transitions output ⌊θ·c⌋ channels (DenseNet-C).
        dropout_rate: dropout after each convolution except the first.
        stem: ``"imagenet"`` (7x7/2 conv + 3x3/2 max pool) or ``"cifar"`` (3x3 conv).
        include_top, pooling, classes, input_shape, classifier_activation, name:
            as in ``keras.applications.DenseNet121``. ``input_shape`` defaults
            to 224x224x3 (ImageNet stem) or 32x32x3 (CIFAR stem), or
            ``(None, None, 3)`` without the top.
        memory_efficient: recompute each dense layer's concatenation-BN-ReLU-Conv
            in the backward pass instead of storing it (Pleiss et al. 2017);
            same layer names and weights, same function. Default ``False``:
            keras.applications' exact twin.

    Returns:
        A functional ``keras.Model``: (batch, H, W, C) -> (batch, classes).

    Raises:
        ValueError: naming the parameter, for any value outside its range,
            before any layer is built.
    """
    # The arguments are DenseNetConfig's fields, in the same order.
    config = DenseNetConfig(
        blocks, growth_rate, init_channels, bottleneck, compression, dropout_rate,
        stem, include_top, pooling, classes, input_shape, classifier_activation, name,
        memory_efficient,
    )  # fmt: skip
    return build_densenet(config)


def _head(include_top, pooling, classes, input_shape, classifier_activation) -> dict:
    """The keras.applications arguments every builder passes on unchanged."""
    return dict(
        include_top=include_top,
        pooling=pooling,
        classes=classes,
        input_shape=input_shape,
        classifier_activation=classifier_activation,
    )


def cifar_init_channels(growth_rate: int, bottleneck: bool, compression: float) -> int:
    """Channels of the CIFAR stem's convolution: 16, or 2k for DenseNet-BC.

    Paper Sec. 3, "Implementation details".
    """
    return 2 * growth_rate if bottleneck and compression < 1 else 16


def densenet_cifar_config(
    depth=100,
    growth_rate=12,
    bottleneck=True,
    compression=0.5,
    init_channels=None,
    dropout_rate=0.0,
    classes=10,
    input_shape=(32, 32, 3),
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    name=None,
    memory_efficient=False,
) -> DenseNetConfig:
    """The config of a three-block CIFAR DenseNet of depth L (paper Table 2).

    ``memory_efficient`` as in :func:`DenseNet`.
    """
    head = _head(include_top, pooling, classes, input_shape, classifier_activation)
    config = DenseNetConfig(
        blocks=depth_to_blocks(depth, bottleneck),
        growth_rate=growth_rate,
        init_channels=init_channels,
        bottleneck=bottleneck,
        compression=compression,
        dropout_rate=dropout_rate,
        stem="cifar",
        name=name or "densenet",
        memory_efficient=memory_efficient,
        **head,
    )
    if init_channels is None:
        init_channels = cifar_init_channels(growth_rate, bottleneck, compression)
        config = dataclasses.replace(config, init_channels=init_channels)
    if name is None:
        kind = "densenet_bc" if config.is_bc else "densenet"
        config = dataclasses.replace(config, name=f"{kind}{depth}_k{growth_rate}")
    return config


def DenseNetCIFAR(
    depth=100, growth_rate=12, bottleneck=True, compression=0.5, **kwargs
) -> keras.Model:
    """A CIFAR DenseNet of depth L (paper Table 2).

    Three blocks of (L - 4) / 3 layers, or (L - 4) / 6 with bottlenecks.

    Keyword arguments as :func:`densenet_cifar_config`. Default: DenseNet-BC
    (L = 100, k = 12), 0.8M parameters, 4.51 % error on C10+ in the paper.
    """
    return build_densenet(
        densenet_cifar_config(depth, growth_rate, bottleneck, compression, **kwargs)
    )


def cifar_preset(preset: str, **kwargs) -> keras.Model:
    """One of the paper's Table 2 models by name.

    E.g. ``cifar_preset("densenet_bc100_k12")``; ``kwargs`` as
    :func:`densenet_cifar_config`.
    """
    check_choice("preset", preset, tuple(CIFAR_PRESETS))
    return DenseNetCIFAR(**CIFAR_PRESETS[preset], name=preset, **kwargs)


def imagenet_config(
    depth, include_top=True, input_shape=None, pooling=None, classes=1000,
    classifier_activation="softmax", memory_efficient=False,
) -> DenseNetConfig:  # fmt: skip
    """The config of an ImageNet DenseNet, from :data:`IMAGENET_VARIANTS`.

    ``depth``: a key of :data:`IMAGENET_VARIANTS`, e.g. 121 (paper Table 1:
    k = 32, θ = 0.5, bottlenecks). ``memory_efficient`` as in
    :func:`DenseNet`; the other arguments as in
    ``keras.applications.DenseNet121``.
    """
    variant = imagenet_variant(depth)
    head = _head(include_top, pooling, classes, input_shape, classifier_activation)
    return DenseNetConfig(
        blocks=variant.blocks,
        growth_rate=variant.growth_rate,
        init_channels=variant.init_channels,
        bottleneck=variant.bottleneck,
        compression=variant.compression,
        stem="imagenet",
        name=variant.name,
        memory_efficient=memory_efficient,
        **head,
    )


def _imagenet_model(depth, weights, *args) -> keras.Model:
    """Build (and load) an ImageNet DenseNet; ``args`` as :func:`imagenet_config`'s."""
    config = imagenet_config(depth, *args)
    include_top, classes = config.include_top, config.classes
    variant = IMAGENET_VARIANTS[depth]
    check_weights(weights, variant, include_top, classes)
    model = build_densenet(config)
    if weights is not None:
        load_weights(model, weights, variant, include_top)
    return model


def _preset_doc(variant) -> str:
    """The docstring of an ImageNet preset, from its row of the table."""
    if variant.has_imagenet_weights:
        twin = (
            f"Same layers and parameters as ``keras.applications."
            f'{variant.keras_application}``. ``weights``: ``None``, ``"imagenet"`` '
            "(downloads keras.applications' ImageNet weights and copies them in by "
            "layer name) or the path of a ``.weights.h5`` file."
        )
    else:
        twin = (
            "keras.applications has no such model: ``weights`` is ``None`` or the "
            "path of a ``.weights.h5`` file."
        )
    return (
        f"{variant.label} ({variant.source}): blocks {variant.blocks}, "
        f"k = {variant.growth_rate}, {variant.init_channels} initial channels, "
        f"bottlenecks, θ = {variant.compression}.\n\n"
        f"{twin} ``memory_efficient`` as in :func:`densenet_lib.DenseNet`; the "
        "other arguments as in ``keras.applications.DenseNet121``.\n"
        "Shapes: (b, 224, 224, 3) -> (b, classes) with the defaults."
    )


def _preset(depth):
    """The preset function ``DenseNet<depth>(...)`` of one ImageNet variant."""
    variant = IMAGENET_VARIANTS[depth]

    def preset(
        include_top=True,
        weights=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        memory_efficient=False,
    ) -> keras.Model:
        return _imagenet_model(
            depth, weights, include_top, input_shape, pooling, classes,
            classifier_activation, memory_efficient,
        )  # fmt: skip

    preset.__name__ = preset.__qualname__ = variant.constructor
    preset.__doc__ = _preset_doc(variant)
    return preset


# One preset per row of IMAGENET_VARIANTS (keras.applications' names).
DenseNet121 = _preset(121)
DenseNet161 = _preset(161)
DenseNet169 = _preset(169)
DenseNet201 = _preset(201)
DenseNet264 = _preset(264)
