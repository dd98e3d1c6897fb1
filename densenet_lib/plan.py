"""The analytic channel plan: channels, feature-map sizes, parameters and
multiply-adds of a DenseNet, computed with arithmetic alone (no model built).

This is the paper's channel rule made executable: layer l of a block sees
k_0 + k(l - 1) channels (Sec. 3), a transition keeps ⌊θ·c⌋ of them. The
growth-rate sliders show these numbers, and the tests check them against
models actually built.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import (
    DenseNetConfig,
    compressed_channels,
    spatial_after_stem,
    spatial_after_stem_conv,
    spatial_after_transition,
)


@dataclass(frozen=True)
class PlanRow:
    """One unit of the network and the tensor it outputs.

    ``name`` is the layer of the built model whose output this row describes
    (e.g. ``conv2_block3_concat``); ``kind`` is ``"stem"``, ``"dense_layer"``,
    ``"transition"`` or ``"head"``; ``block`` is the 1-based Dense Block of a
    dense layer (or the block a transition follows). ``params`` counts every
    weight of the unit, ``non_trainable`` the BN moving statistics among them;
    ``macs`` are the multiply-adds of its convolutions and classifier for one
    image (``None`` when the input size is unknown).
    """

    name: str
    kind: str
    block: int | None
    channels_in: int
    channels_out: int
    height: int | None
    width: int | None
    params: int
    non_trainable: int
    macs: int | None


def _bn(channels):
    """BatchNormalization: γ, β trainable; moving mean and variance not."""
    return 4 * channels, 2 * channels


def _area(height, width):
    return None if height is None or width is None else height * width


def _times(area, per_pixel):
    return None if area is None else area * per_pixel


@dataclass(frozen=True)
class ChannelPlan:
    """All rows of a network, in order, with totals."""

    config: DenseNetConfig
    rows: tuple

    @property
    def params(self) -> int:
        """Total parameters, as ``model.count_params()`` reports them."""
        return sum(r.params for r in self.rows)

    @property
    def non_trainable_params(self) -> int:
        return sum(r.non_trainable for r in self.rows)

    @property
    def trainable_params(self) -> int:
        return self.params - self.non_trainable_params

    @property
    def macs(self) -> int | None:
        """Multiply-adds of one forward pass of one image (convs + classifier)."""
        values = [r.macs for r in self.rows]
        return None if None in values else sum(values)

    def block(self, index: int) -> list:
        """Channels after each dense layer of Dense Block ``index`` (1-based)."""
        return [
            r.channels_out
            for r in self.rows
            if r.kind == "dense_layer" and r.block == index
        ]

    def block_input_channels(self, index: int) -> int:
        """k_0 of Dense Block ``index``: the channels that enter it."""
        return next(
            r.channels_in
            for r in self.rows
            if r.kind == "dense_layer" and r.block == index
        )

    def boundaries(self) -> list:
        """The rows at block and transition boundaries: stem, each block's
        last layer, each transition and the head (the paper's Table 1 view)."""
        out = []
        for i, row in enumerate(self.rows):
            nxt = self.rows[i + 1] if i + 1 < len(self.rows) else None
            last_of_block = row.kind == "dense_layer" and (
                nxt is None or nxt.kind != "dense_layer"
            )
            if row.kind != "dense_layer" or last_of_block:
                out.append(row)
        return out

    @property
    def output_channels(self) -> int:
        """Channels entering the head (the final feature maps)."""
        return next(r.channels_in for r in self.rows if r.kind == "head")


def channel_plan(config: DenseNetConfig | None = None, **kwargs) -> ChannelPlan:
    """The analytic plan of a DenseNet.

    Pass a :class:`DenseNetConfig`, or the keyword arguments of
    :func:`densenet_lib.DenseNet` (``blocks=..., growth_rate=...``), which are
    validated the same way.
    """
    if config is None:
        config = DenseNetConfig(**kwargs)
    elif kwargs:
        raise ValueError("pass either a DenseNetConfig or keyword arguments, not both")
    k = config.growth_rate
    height, width, c_in = config.input_shape
    rows = []

    # Stem.
    c = config.stem_channels
    if config.stem == "imagenet":
        conv_h = spatial_after_stem_conv(height, config.stem)
        conv_w = spatial_after_stem_conv(width, config.stem)
        bn, bn_fixed = _bn(c)
        params, fixed = 49 * c_in * c + bn, bn_fixed
        macs = _times(_area(conv_h, conv_w), 49 * c_in * c)
        name = "pool1"
    else:
        params, fixed = 9 * c_in * c, 0
        macs = _times(_area(height, width), 9 * c_in * c)
        name = "conv1_conv"
    height, width = (
        spatial_after_stem(height, config.stem),
        spatial_after_stem(width, config.stem),
    )
    rows.append(
        PlanRow(name, "stem", None, c_in, c, height, width, params, fixed, macs)
    )

    last = len(config.blocks) - 1
    for i, num_layers in enumerate(config.blocks):
        stage = i + 2
        area = _area(height, width)
        for j in range(num_layers):
            bn, fixed = _bn(c)
            if config.bottleneck:
                bn2, fixed2 = _bn(4 * k)
                weights = c * 4 * k + 9 * 4 * k * k
                params, fixed = bn + bn2 + weights, fixed + fixed2
            else:
                weights = 9 * c * k
                params = bn + weights
            rows.append(
                PlanRow(
                    f"conv{stage}_block{j + 1}_concat",
                    "dense_layer",
                    i + 1,
                    c,
                    c + k,
                    height,
                    width,
                    params,
                    fixed,
                    _times(area, weights),
                )
            )
            c += k
        if i < last:
            c_out = compressed_channels(c, config.compression)
            bn, fixed = _bn(c)
            macs = _times(area, c * c_out)
            height = spatial_after_transition(height)
            width = spatial_after_transition(width)
            rows.append(
                PlanRow(
                    f"pool{stage}_pool",
                    "transition",
                    i + 1,
                    c,
                    c_out,
                    height,
                    width,
                    bn + c * c_out,
                    fixed,
                    macs,
                )
            )
            c = c_out

    # Head: BN + ReLU, then global pooling and the classifier.
    bn, fixed = _bn(c)
    if config.include_top:
        name, c_out, out_h, out_w = "predictions", config.classes, 1, 1
        params, macs = bn + c * config.classes + config.classes, c * config.classes
    else:
        name = {"avg": "avg_pool", "max": "max_pool", None: "relu"}[config.pooling]
        c_out, params, macs = c, bn, 0
        out_h, out_w = (1, 1) if config.pooling else (height, width)
    rows.append(
        PlanRow(name, "head", None, c, c_out, out_h, out_w, params, fixed, macs)
    )
    return ChannelPlan(config, tuple(rows))


MAX_PARAMS = 2_000_000_000
"""The most parameters :func:`densenet_lib.build_densenet` builds: 8 GB of
float32 weights, 100 times DenseNet-264. Anything larger is a typo (a growth
rate of 10**12), and would die in the backend's allocator."""


def check_size(config: DenseNetConfig) -> int:
    """The parameter count of ``config`` (from its plan); ``ValueError`` above
    :data:`MAX_PARAMS`, naming the parameters that set the size."""
    params = channel_plan(config).params
    if params > MAX_PARAMS:
        raise ValueError(
            f"growth_rate={config.growth_rate}, init_channels="
            f"{config.init_channels}, blocks={config.blocks} would build "
            f"{params:,} parameters, more than the {MAX_PARAMS:,} this library "
            "builds: make growth_rate, init_channels or blocks smaller"
        )
    return params
