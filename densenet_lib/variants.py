"""The ImageNet DenseNets, in one table.

Like timm's ``default_cfgs`` or torchvision's weight enums,
:data:`IMAGENET_VARIANTS` holds everything that tells DenseNet-121, -161,
-169, -201 and -264 apart, keyed by depth (the number in the name). The
presets (:func:`densenet_lib.DenseNet121`, ...), :func:`densenet_lib.imagenet_config`,
``weights="imagenet"`` and the explorer's presets all read it; nothing else in
the library keeps a table of them.

All of them are DenseNet-BC with the ImageNet stem (7x7/2 convolution and
3x3/2 max pool) and four Dense Blocks. DenseNet-121/169/201/264 are the
paper's Table 1 (k = 32, 2k = 64 initial channels); DenseNet-161 (k = 48, 96
initial channels) is not in Table 1: it is the model torchvision ships as
``densenet161``. The paper's own numbers stay in :mod:`densenet_lib.paper`,
transcribed independently of this table; the tests compare the two.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import check_choice


@dataclass(frozen=True)
class ImageNetVariant:
    """One ImageNet DenseNet.

    ``depth``: the number in its name, the layers L the paper counts (for
    DenseNet-264 the blocks add up to 265: the paper's off-by-one, kept).
    ``blocks``: dense layers per Dense Block (Table 1's n). ``growth_rate``: k.
    ``init_channels``: output channels of the first convolution (2k).
    ``bottleneck`` and ``compression``: DenseNet-B's 1x1 convolution and θ.
    ``in_table1``: whether the paper's Table 1 lists it. ``keras_application``:
    the ``keras.applications`` constructor with the same layers, whose
    ImageNet weights ``weights="imagenet"`` loads (``None``: there is none).
    ``torchvision_num_params``: the ``num_params`` torchvision publishes for
    its model (``None``: torchvision ships none). That is the trainable count:
    the BN moving statistics are buffers, not parameters, in PyTorch.
    """

    depth: int
    blocks: tuple
    growth_rate: int
    init_channels: int
    in_table1: bool
    keras_application: str | None
    torchvision_num_params: int | None
    bottleneck: bool = True
    compression: float = 0.5

    @property
    def label(self) -> str:
        """The name people write: ``"DenseNet-121"``."""
        return f"DenseNet-{self.depth}"

    @property
    def name(self) -> str:
        """The model's name, as keras.applications and torchvision give it:
        ``"densenet121"`` (also the explorer's preset name)."""
        return f"densenet{self.depth}"

    @property
    def constructor(self) -> str:
        """The name of the library's preset: ``"DenseNet121"``."""
        return f"DenseNet{self.depth}"

    @property
    def source(self) -> str:
        """Where the architecture is published, in words."""
        if self.in_table1:
            return "paper Table 1"
        if self.torchvision_num_params is not None:
            return f"torchvision's {self.name}, not in the paper's Table 1"
        return "not in the paper's Table 1"

    @property
    def has_imagenet_weights(self) -> bool:
        """Whether ``weights="imagenet"`` can load keras.applications' weights."""
        return self.keras_application is not None


# fmt: off
_ROWS = (
    # The fields of ImageNetVariant, in order: depth, blocks, k, k_0, in Table 1,
    # keras.applications' twin, torchvision's num_params.
    (121, (6, 12, 24, 16), 32, 64, True,  "DenseNet121",  7_978_856),
    (161, (6, 12, 36, 24), 48, 96, False, None,          28_681_000),
    (169, (6, 12, 32, 32), 32, 64, True,  "DenseNet169", 14_149_480),
    (201, (6, 12, 48, 32), 32, 64, True,  "DenseNet201", 20_013_928),
    (264, (6, 12, 64, 48), 32, 64, True,  None,          None),
)
# fmt: on

IMAGENET_VARIANTS = {row[0]: ImageNetVariant(*row) for row in _ROWS}
"""Every ImageNet DenseNet of the library, keyed by depth."""


def imagenet_variant(depth) -> ImageNetVariant:
    """The :class:`ImageNetVariant` of DenseNet-``depth``.

    Raises ``ValueError`` naming ``depth`` for any other value.
    """
    check_choice("depth", depth, tuple(IMAGENET_VARIANTS))
    return IMAGENET_VARIANTS[depth]


def imagenet_weights_label() -> str:
    """The variants ``weights="imagenet"`` exists for: ``"DenseNet-121/169/201"``."""
    depths = [v.depth for v in IMAGENET_VARIANTS.values() if v.has_imagenet_weights]
    return "DenseNet-" + "/".join(map(str, depths))
