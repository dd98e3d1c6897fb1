"""The hyper-parameters of a DenseNet, checked before any layer is built.

Every builder in the library (``DenseNet``, the presets, ``channel_plan``)
goes through :class:`DenseNetConfig`, so a bad value gets one clear
``ValueError`` that names the parameter and the allowed range, instead of a
stack trace from deep inside Keras.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

STEMS = ("imagenet", "cifar")
POOLINGS = (None, "avg", "max")


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(name: str, value, minimum: int = 1) -> int:
    """``value`` if it is an integer >= ``minimum``; else ``ValueError`` naming it."""
    if not _is_int(value) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_bool(name: str, value) -> bool:
    """``value`` if it is ``True`` or ``False``; else ``ValueError`` naming it."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


def check_choice(name: str, value, allowed) -> object:
    """Return ``value`` if it is one of ``allowed``, else raise ``ValueError``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)!r}, got {value!r}")
    return value


def check_model(name: str, value):
    """Return ``value`` if it is a ``keras.Model``, else raise ``ValueError``."""
    import keras

    if not isinstance(value, keras.Model):
        raise ValueError(
            f"{name} must be a built keras.Model, got {type(value).__name__}"
        )
    return value


def check_input_shape(input_shape) -> tuple:
    """Check a channels-last ``(height, width, channels)`` shape.

    Height and width may be ``None`` (any size); channels may not.
    """
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(
            "input_shape must be a tuple (height, width, channels), "
            f"got {input_shape!r}"
        )
    height, width, channels = input_shape
    for axis, size in (("height", height), ("width", width)):
        if size is not None and (not _is_int(size) or size < 1):
            raise ValueError(
                f"input_shape {axis} must be None or an integer >= 1, "
                f"got {input_shape!r}"
            )
    if not _is_int(channels) or channels < 1:
        raise ValueError(
            f"input_shape channels must be an integer >= 1, got {input_shape!r}"
        )
    return tuple(input_shape)


def compressed_channels(channels: int, compression: float) -> int:
    """Output channels of a transition layer: ``floor(compression * channels)``.

    The paper (Sec. 3, "Compression") writes it ⌊θm⌋. The tiny epsilon keeps
    float round-off (``0.29 * 100 = 28.999…``) from losing a channel.
    """
    return int(math.floor(channels * compression + 1e-9))


def _window_output(size: int, kernel: int, stride: int, pad: int) -> int:
    """Output size of a convolution or pooling window over ``size`` positions."""
    return (size + 2 * pad - kernel) // stride + 1


def spatial_after_stem_conv(size: int | None, stem: str) -> int | None:
    """Feature-map size after the stem's convolution ``conv1_conv``.

    ``"imagenet"``: zero-pad 3 + 7x7 conv, stride 2, i.e. ``ceil(size / 2)``
    (Table 1's "112 x 112" for 224). ``"cifar"``: a 3x3 "same" conv keeps the
    size. ``None`` (any size) stays ``None``.
    """
    if size is None or stem == "cifar":
        return size
    return _window_output(size, kernel=7, stride=2, pad=3)


def spatial_after_stem(size: int | None, stem: str) -> int | None:
    """Feature-map size after the whole stem, i.e. entering Dense Block 1.

    ``"imagenet"``: the stem's convolution (:func:`spatial_after_stem_conv`),
    then zero-pad 1 + 3x3 max pool, stride 2: ``ceil(ceil(size / 2) / 2)``
    (Table 1's "56 x 56" for 224). ``"cifar"``: the size itself. ``None``
    (any size) stays ``None``.
    """
    after_conv = spatial_after_stem_conv(size, stem)
    if after_conv is None or stem == "cifar":
        return after_conv
    return _window_output(after_conv, kernel=3, stride=2, pad=1)


def spatial_after_transition(size: int | None) -> int | None:
    """Feature-map size after a transition's 2x2 average pool, stride 2.

    ``floor(size / 2)``; ``None`` stays ``None``.
    """
    return None if size is None else _window_output(size, kernel=2, stride=2, pad=0)


def min_input_size(stem: str, num_blocks: int) -> int:
    """Smallest height/width that survives the stem and ``num_blocks - 1`` 2x2 pools.

    That is, the smallest input whose last Dense Block still sees a feature map
    of at least 1x1.
    """
    size = 1
    while True:
        h = spatial_after_stem(size, stem)
        for _ in range(num_blocks - 1):
            h = spatial_after_transition(h)
        if h >= 1:
            return size
        size += 1


def depth_to_blocks(depth: int, bottleneck: bool, num_blocks: int = 3) -> tuple:
    """The CIFAR DenseNets' layers per block from the depth L.

    Paper Sec. 3, "Implementation details": each of the ``num_blocks`` blocks
    has n dense layers; a plain layer holds one conv and a bottleneck layer
    two, and the first conv, the ``num_blocks - 1`` transitions and the
    classifier add ``num_blocks + 1``: L = 3n + 4 (n = (L - 4) / 3), or with
    bottlenecks L = 6n + 4.
    """
    depth = check_int("depth", depth)
    convs_per_layer = 2 if bottleneck else 1
    per_block = num_blocks * convs_per_layer
    extra = num_blocks + 1
    n, rest = divmod(depth - extra, per_block)
    if rest or n < 1:
        form = f"{per_block}n + {extra}"
        smallest = per_block + extra
        raise ValueError(
            f"depth must have the form {form} with n >= 1 "
            f"(bottleneck={bottleneck}): {smallest}, {smallest + per_block}, "
            f"{smallest + 2 * per_block}, ...; got {depth}"
        )
    return (n,) * num_blocks


@dataclass(frozen=True)
class DenseNetConfig:
    """Every choice that defines a DenseNet, validated on construction.

    Paper terms: ``blocks`` are the dense layers per Dense Block (Table 1),
    ``growth_rate`` is k, ``init_channels`` the output channels of the first
    convolution (default 2k), ``bottleneck`` turns on DenseNet-B's 1x1
    convolution to 4k channels, ``compression`` is θ of DenseNet-C, and
    ``stem`` is the ImageNet stem (7x7/2 conv + 3x3/2 max pool) or the CIFAR
    stem (one 3x3 conv). ``memory_efficient`` recomputes each dense layer's
    concatenation-BN-ReLU-Conv in the backward pass instead of storing it
    (Pleiss et al. 2017), with the same layers and weights.
    """

    blocks: tuple
    growth_rate: int = 32
    init_channels: int | None = None
    bottleneck: bool = True
    compression: float = 0.5
    dropout_rate: float = 0.0
    stem: str = "imagenet"
    include_top: bool = True
    pooling: str | None = None
    classes: int = 1000
    input_shape: tuple | None = None
    classifier_activation: object = "softmax"
    name: str = "densenet"
    memory_efficient: bool = False
    stem_channels: int = field(init=False)

    def __post_init__(self):
        def set_(key, value):  # the dataclass is frozen
            object.__setattr__(self, key, value)

        blocks = self.blocks
        if (
            isinstance(blocks, (str, bytes))
            or not hasattr(blocks, "__iter__")
            or len(tuple(blocks)) == 0
            or not all(_is_int(b) and b >= 1 for b in blocks)
        ):
            raise ValueError(
                "blocks must be a non-empty list of integers >= 1 "
                f"(layers per dense block), got {blocks!r}"
            )
        set_("blocks", tuple(int(b) for b in blocks))
        check_int("growth_rate", self.growth_rate)
        if self.init_channels is not None:
            check_int("init_channels", self.init_channels)
        set_("stem_channels", self.init_channels or 2 * self.growth_rate)
        check_bool("bottleneck", self.bottleneck)
        check_bool("memory_efficient", self.memory_efficient)
        if (
            not isinstance(self.compression, numbers.Real)
            or isinstance(self.compression, bool)
            or not 0 < self.compression <= 1
        ):
            raise ValueError(
                f"compression must be a number in (0, 1], got {self.compression!r}"
            )
        if (
            not isinstance(self.dropout_rate, numbers.Real)
            or isinstance(self.dropout_rate, bool)
            or not 0 <= self.dropout_rate < 1
        ):
            raise ValueError(
                f"dropout_rate must be a number in [0, 1), got {self.dropout_rate!r}"
            )
        check_choice("stem", self.stem, STEMS)
        check_choice("pooling", self.pooling, POOLINGS)
        check_int("classes", self.classes)
        if self.input_shape is None:
            default = 224 if self.stem == "imagenet" else 32
            shape = (default, default, 3) if self.include_top else (None, None, 3)
            set_("input_shape", shape)
        set_("input_shape", check_input_shape(self.input_shape))
        smallest = min_input_size(self.stem, len(self.blocks))
        for axis, size in zip(("height", "width"), self.input_shape[:2]):
            if size is not None and size < smallest:
                raise ValueError(
                    f"input_shape {axis} {size} is too small: the {self.stem} stem "
                    f"and {len(self.blocks) - 1} transition(s) need at least "
                    f"{smallest} pixels, got input_shape={self.input_shape!r}"
                )
        # Every transition must keep at least one channel.
        channels = self.stem_channels
        for i, layers in enumerate(self.blocks[:-1]):
            channels += layers * self.growth_rate
            channels = compressed_channels(channels, self.compression)
            if channels < 1:
                raise ValueError(
                    f"compression {self.compression} leaves 0 channels after "
                    f"dense block {i + 1}; use a larger compression in (0, 1]"
                )

    @property
    def is_bc(self) -> bool:
        """DenseNet-BC (paper Sec. 3): bottleneck layers and a compression θ < 1."""
        return self.bottleneck and self.compression < 1

    @property
    def num_layers(self) -> int:
        """The depth L as the paper counts it: weighted layers on the main path."""
        convs = sum(self.blocks) * (2 if self.bottleneck else 1)
        return 1 + convs + (len(self.blocks) - 1) + (1 if self.include_top else 0)
