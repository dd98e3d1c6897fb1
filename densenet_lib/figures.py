"""Figures drawn from the library's own numbers (matplotlib, imported lazily).

``draw_dense_block`` is the paper's Figure 1 (Huang et al. 2017) with the
channel rule written on it; ``draw_residual_block`` draws the layers of a
block built by :func:`densenet_lib.residual_block` (He et al. 2016), in the
order the library actually builds them.
"""

from __future__ import annotations

from .config import check_choice, check_int

BAR_HEIGHT = 2.2


def dense_block_figsize(num_layers: int, show_inputs: bool = True) -> tuple:
    """The (width, height) in inches that :func:`draw_dense_block` needs."""
    height = 2.3 + 0.25 * num_layers + (BAR_HEIGHT + 0.6 if show_inputs else 0)
    return (1.5 * (num_layers + 2) + 0.5, height)


def draw_dense_block(
    num_layers: int = 4,
    growth_rate: int = 4,
    init_channels: int | None = None,
    ax=None,
    *,
    show_inputs: bool = True,
):
    """The paper's Figure 1: a Dense Block whose every layer feeds every later one.

    Node 0 is the block's input x_0 (``init_channels`` = k_0, default 2k);
    node l is layer H_l, labelled with the channels it receives,
    k_0 + k(l - 1), and the k it adds. Each arc is one connection: a block of
    L layers has L(L + 1)/2 of them. With ``show_inputs`` a stacked bar under
    each layer shows what its input is made of: k_0 channels of x_0 (the first
    colour) and k from each earlier layer, on one scale for the whole figure,
    and a last bar shows the block's output, k_0 + kL channels.
    Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

    num_layers = check_int("num_layers", num_layers)
    k = check_int("growth_rate", growth_rate)
    k0 = (
        check_int("init_channels", init_channels)
        if init_channels is not None
        else 2 * k
    )
    out = k0 + k * num_layers
    # The tallest bar (the output) is bar_height high.
    bar_top, bar_height = -0.75, BAR_HEIGHT
    if ax is None:
        _, ax = plt.subplots(figsize=dense_block_figsize(num_layers, show_inputs))
    colors = plt.get_cmap("tab10")
    box_w, box_h = 0.9, 0.9

    def arc_rad(span):
        """Curvature of an arc over ``span`` layers: at most 0.45, so the tallest
        arc (over 1.5 * num_layers) rises about 0.34 * num_layers."""
        return 0.2 + 0.25 * span / num_layers

    arc_top = box_h / 2 + 0.05 + 0.5 * arc_rad(num_layers) * (1.5 * num_layers - 0.12)

    def stacked_bar(x, channels_from, label):
        """A bar under position x: k_0 from x_0, then k from each earlier layer."""
        y = bar_top
        for j, channels in enumerate(channels_from):
            h = bar_height * channels / out
            ax.add_patch(
                Rectangle(
                    (x - 0.3, y - h),
                    0.6,
                    h,
                    facecolor=colors(j % 10),
                    alpha=0.85,
                    edgecolor="white",
                    linewidth=0.5,
                )
            )
            y -= h
        ax.text(x, y - 0.08, label, ha="center", va="top", fontsize=9)

    for l in range(num_layers + 1):
        x = 1.5 * l
        ax.add_patch(
            FancyBboxPatch(
                (x - box_w / 2, -box_h / 2),
                box_w,
                box_h,
                boxstyle="round,pad=0.05",
                facecolor=colors(l % 10),
                alpha=0.85,
                edgecolor="black",
            )
        )
        label = "$x_0$" if l == 0 else f"$H_{{{l}}}$"
        ax.text(
            x,
            0.08,
            label,
            ha="center",
            va="center",
            fontsize=13,
            color="white",
            weight="bold",
        )
        detail = f"{k0} ch" if l == 0 else f"+{k}"
        ax.text(x, -0.22, detail, ha="center", va="center", fontsize=9, color="white")
        if l > 0:
            label = f"in: {k0 + k * (l - 1)}"
            if show_inputs:
                stacked_bar(x, [k0] + [k] * (l - 1), label)
            else:
                ax.text(x, -0.8, label, ha="center", va="top", fontsize=9)
        for j in range(l):  # x_j -> H_l; longer arcs bend more, so they nest
            x_from = 1.5 * j
            ax.add_patch(
                FancyArrowPatch(
                    (x_from, box_h / 2 + 0.05),
                    (x - 0.12, box_h / 2 + 0.05),
                    connectionstyle=f"arc3,rad=-{arc_rad(l - j):.4f}",
                    arrowstyle="-|>",
                    mutation_scale=9,
                    lw=1.1,
                    color=colors(j % 10),
                    alpha=0.9,
                )
            )
    right = 1.5 * num_layers + 0.8
    if show_inputs:
        x_out = 1.5 * (num_layers + 1)
        ax.text(x_out, 0, "block\noutput", ha="center", va="center", fontsize=9)
        stacked_bar(x_out, [k0] + [k] * num_layers, f"out: {out}")
        right = x_out + 0.8
    ax.set_title(
        f"Dense Block: {num_layers} layers, growth rate k = {k}, $k_0$ = {k0}\n"
        f"{out} channels out, {num_layers * (num_layers + 1) // 2} connections",
        fontsize=10,
    )
    ax.set_xlim(-0.8, right)
    ax.set_ylim(bar_top - bar_height - 0.45 if show_inputs else -1.2, arc_top + 0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def residual_block_layers(
    preactivation: bool = True, shortcut: str = "identity"
) -> dict:
    """The layers of one :func:`densenet_lib.residual_block`, read off a built block.

    Returns ``{"main": [...], "shortcut": [...], "after": [...]}``: the class
    names (``"Conv2D"``, ``"BatchNormalization"``, ``"Activation"``) of the
    residual branch F in order, of the shortcut branch (empty for identity),
    and of what follows the addition (post-activation: one ReLU).
    ``shortcut`` is ``"identity"`` (a (8, 8, 16) -> (8, 8, 16) block) or
    ``"projection"`` ((8, 8, 16) -> (4, 4, 32), stride 2).
    """
    import keras

    from .residual import residual_block

    check_choice("shortcut", shortcut, ("identity", "projection"))
    if not isinstance(preactivation, bool):
        raise ValueError(f"preactivation must be True or False, got {preactivation!r}")
    filters, stride = (16, 1) if shortcut == "identity" else (32, 2)
    inputs = keras.Input((8, 8, 16))
    outputs = residual_block(
        inputs,
        filters,
        "b",
        stride=stride,
        shortcut=shortcut,
        preactivation=preactivation,
    )
    model = keras.Model(inputs, outputs)
    parts = {"main": [], "shortcut": [], "after": []}
    seen_add = False
    for layer in model.layers[1:]:
        kind = type(layer).__name__
        if kind == "Add":
            seen_add = True
        elif seen_add:
            parts["after"].append(kind)
        elif layer.name == "b_0_conv":
            parts["shortcut"].append(kind)
        else:
            parts["main"].append(kind)
    return parts


_SHORT = {"Conv2D": "Conv", "BatchNormalization": "BN", "Activation": "ReLU"}
_COLOR = {"Conv2D": "#4c72b0", "BatchNormalization": "#dd8452", "Activation": "#55a868"}


def draw_residual_block(
    preactivation: bool = True, shortcut: str = "identity", ax=None
):
    """One residual block, x_l = F(x_{l-1}) + shortcut(x_{l-1}) (He et al. 2016).

    The boxes are the layers :func:`densenet_lib.residual_block` builds, in
    order (see :func:`residual_block_layers`): pre-activation
    BN-ReLU-Conv-BN-ReLU-Conv with nothing after the addition, or the original
    Conv-BN-ReLU-Conv-BN, addition, ReLU. The shortcut is drawn above: a bare
    arrow (identity) or a 1x1 convolution (projection; then it and the first
    3x3 convolution have stride 2, marked "/2"). Returns the Axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

    parts = residual_block_layers(preactivation, shortcut)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 2.2))
    step, w, h = 1.0, 0.8, 0.6

    def box(x, y, kind, label=None, width=w):
        ax.add_patch(
            FancyBboxPatch(
                (x - width / 2, y - h / 2),
                width,
                h,
                boxstyle="round,pad=0.03",
                facecolor=_COLOR[kind],
                edgecolor="black",
                alpha=0.9,
            )
        )
        ax.text(
            x,
            y,
            label or _SHORT[kind],
            ha="center",
            va="center",
            fontsize=9,
            color="white",
            weight="bold",
        )

    def arrow(a, b, **kw):
        ax.add_patch(
            FancyArrowPatch(
                a, b, arrowstyle="-|>", mutation_scale=10, lw=1.1, color="black", **kw
            )
        )

    ax.text(0, 0, "$x_{\\ell-1}$", ha="center", va="center", fontsize=12)
    strided = bool(parts["shortcut"])  # the projection block halves the size
    x = 0.0
    for i, kind in enumerate(parts["main"]):
        arrow((x + 0.3 if x == 0 else x + w / 2, 0), (x + step - w / 2, 0))
        x += step
        first_conv = kind == "Conv2D" and "Conv2D" not in parts["main"][:i]
        box(x, 0, kind, "Conv /2" if strided and first_conv else None)
    x_add = x + step
    arrow((x + w / 2, 0), (x_add - 0.2, 0))
    ax.add_patch(Circle((x_add, 0), 0.2, facecolor="white", edgecolor="black"))
    ax.text(x_add, 0, "+", ha="center", va="center", fontsize=12)
    # The shortcut: up from the input, along the top, down into the addition.
    top = 1.0
    if parts["shortcut"]:
        mid = x_add / 2
        ax.plot([0, 0, mid - 0.7], [0.25, top, top], color="black", lw=1.1)
        box(mid, top, "Conv2D", "Conv 1x1 /2", width=1.4)
        ax.plot([mid + 0.7, x_add], [top, top], color="black", lw=1.1)
        label = "projection shortcut"
    else:
        ax.plot([0, 0, x_add], [0.25, top, top], color="black", lw=1.1)
        label = "identity shortcut"
    ax.text(
        x_add / 2,
        top + 0.45 if parts["shortcut"] else top + 0.15,
        label,
        ha="center",
        va="bottom",
        fontsize=9,
    )
    arrow((x_add, top), (x_add, 0.2))
    x = x_add
    for kind in parts["after"]:
        arrow((x + 0.2 if x == x_add else x + w / 2, 0), (x + step - w / 2, 0))
        x += step
        box(x, 0, kind)
    end = x + step
    arrow((x + (0.2 if x == x_add else w / 2), 0), (end - 0.25, 0))
    ax.text(end, 0, "$x_\\ell$", ha="center", va="center", fontsize=12)
    order = (
        "pre-activation (BN-ReLU-Conv)" if preactivation else "original (Conv-BN-ReLU)"
    )
    ax.set_title(f"Residual block, {order}, {shortcut} shortcut", fontsize=10)
    ax.set_xlim(-0.5, end + 0.5)
    ax.set_ylim(-0.5, top + 0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _as_plan(plan_or_config):
    from .config import DenseNetConfig
    from .plan import ChannelPlan, channel_plan

    if isinstance(plan_or_config, DenseNetConfig):
        return channel_plan(plan_or_config)
    if not isinstance(plan_or_config, ChannelPlan):
        raise ValueError(
            "plan_or_config must be a ChannelPlan or a DenseNetConfig (e.g. "
            "densenet_lib.channel_plan(blocks=(6, 12, 24, 16)) or "
            f"densenet_lib.imagenet_config(121)), got {type(plan_or_config).__name__}"
        )
    return plan_or_config


def _densenet_boxes(plan) -> list:
    """The boxes of :func:`draw_densenet`: (kind, title, detail), top to bottom."""
    config = plan.config

    def size(row):
        return "" if row.height is None else f" · {row.height} × {row.width}"

    height, width, channels = config.input_shape
    shape = "any size" if height is None else f"{height} × {width}"
    boxes = [("input", "Input", f"{shape} × {channels}")]
    stem = plan.rows[0]
    title = (
        "Convolution 7 × 7 /2, max pool 3 × 3 /2"
        if config.stem == "imagenet"
        else "Convolution 3 × 3"
    )
    detail = f"{stem.channels_in} → {stem.channels_out} channels{size(stem)}"
    boxes.append(("stem", title, detail))
    layer = "[1 × 1 conv, 3 × 3 conv]" if config.bottleneck else "[3 × 3 conv]"
    for i in range(1, len(config.blocks) + 1):
        rows = [r for r in plan.rows if r.kind == "dense_layer" and r.block == i]
        title = f"Dense Block ({i}): {layer} × {len(rows)}"
        detail = (
            f"{rows[0].channels_in} → {rows[-1].channels_out} channels "
            f"(k = {config.growth_rate}){size(rows[-1])}"
        )
        boxes.append(("block", title, detail))
        for row in plan.rows:
            if row.kind == "transition" and row.block == i:
                title = f"Transition Layer ({i}): 1 × 1 conv, 2 × 2 average pool"
                before = "" if row.height is None else size(rows[-1]) + " →"
                after = size(row)[3:]
                detail = (
                    f"{row.channels_in} → {row.channels_out} channels{before} {after}"
                )
                boxes.append(("transition", title, detail.rstrip()))
    head = plan.rows[-1]
    if config.include_top:
        title = f"Global average pool, {config.classes}-way fully connected"
        detail = f"{head.channels_in} channels → {head.channels_out} classes"
    else:
        title = {
            "avg": "Global average pool",
            "max": "Global max pool",
            None: "Final BN-ReLU (no pooling)",
        }[config.pooling]
        detail = f"{head.channels_in} → {head.channels_out} channels{size(head)}"
    boxes.append(("head", title, detail))
    return boxes


_BOX_HEIGHT = {"stem": 0.62, "block": 0.72, "transition": 0.62, "head": 0.62}
_BOX_COLOR = {
    "stem": "#d9d9d9",
    "block": "#c6dbef",
    "transition": "#fdd0a2",
    "head": "#d9d9d9",
}
_BOX_GAP = 0.3


def densenet_figsize(plan_or_config) -> tuple:
    """The (width, height) in inches that :func:`draw_densenet` needs."""
    boxes = _densenet_boxes(_as_plan(plan_or_config))
    height = sum(_BOX_HEIGHT.get(kind, 0.25) + _BOX_GAP for kind, _, _ in boxes)
    return (6.0, height + 0.5)


def draw_densenet(plan_or_config, ax=None):
    """The whole network, the paper's Figure 2, for any configuration.

    One box per unit, top to bottom, as the paper's Table 1 lists them: the
    stem ("Convolution", with the ImageNet stem's max pooling), each Dense
    Block with its layers per block, each transition layer and the head (the
    global pooling and the classifier). Each box states the channels in and
    out and the feature-map size after it (a transition: before -> after),
    all read off :func:`densenet_lib.channel_plan`, so the figure is the plan.

    Args:
        plan_or_config: a :class:`densenet_lib.ChannelPlan` or a
            :class:`densenet_lib.DenseNetConfig` (e.g.
            ``densenet_lib.imagenet_config(121)``, or
            ``densenet_lib.densenet_cifar_config(100, 12)``).
        ax: a matplotlib Axes, or ``None`` for a new figure of
            :func:`densenet_figsize`.

    Returns:
        The matplotlib Axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    plan = _as_plan(plan_or_config)
    boxes = _densenet_boxes(plan)
    width, height = densenet_figsize(plan)
    if ax is None:
        figure, ax = plt.subplots(figsize=(width, height))
        figure.subplots_adjust(left=0, right=1, bottom=0, top=1 - 0.35 / height)
    box_w, y = width - 0.6, height - 0.3
    for index, (kind, title, detail) in enumerate(boxes):
        if kind == "input":
            ax.text(0, y - 0.12, f"{title}: {detail}", ha="center", va="center")
            y -= 0.25
        else:
            h = _BOX_HEIGHT[kind]
            ax.add_patch(
                FancyBboxPatch(
                    (-box_w / 2, y - h),
                    box_w,
                    h,
                    boxstyle="round,pad=0.02",
                    facecolor=_BOX_COLOR[kind],
                    edgecolor="black",
                )
            )
            ax.text(0, y - 0.33 * h, title, ha="center", va="center", weight="bold")
            ax.text(0, y - 0.7 * h, detail, ha="center", va="center", fontsize=9)
            y -= h
        if index < len(boxes) - 1:
            ax.add_patch(
                FancyArrowPatch(
                    (0, y - 0.02),
                    (0, y - _BOX_GAP + 0.02),
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color="black",
                )
            )
            y -= _BOX_GAP
    config = plan.config
    ax.set_title(
        f"{config.name}: k = {config.growth_rate}, θ = {config.compression}, "
        f"{plan.params:,} parameters",
        fontsize=11,
    )
    ax.set_xlim(-width / 2, width / 2)
    ax.set_ylim(y - 0.2, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_block_growth(
    growth_rate: int,
    init_channels: int,
    size: int,
    max_layers: int = 48,
    built: dict | None = None,
    axes=None,
):
    """How one plain Dense Block's cost grows with its number of layers L.

    Left: feature-map elements per example, the three counts of
    :func:`densenet_lib.memory.dense_block_elements` for L = 1..``max_layers``
    on ``size`` x ``size`` maps, plus ``built`` (``{L: elements}`` counted on
    built blocks) as dots. Right: the block's parameters, from
    :func:`densenet_lib.channel_plan`. Returns the two axes.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from . import memory
    from .plan import channel_plan

    k, k0 = (
        check_int("growth_rate", growth_rate),
        check_int("init_channels", init_channels),
    )
    depths = np.arange(1, check_int("max_layers", max_layers) + 1)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
    ax_m, ax_p = axes
    for count, label in [
        ("all_outputs", "every layer output (dl.dense_block)"),
        ("concatenations", "the concatenations alone"),
        ("persistent", "shared storage, recomputed (Pleiss et al.)"),
    ]:
        counts = [
            memory.dense_block_elements(int(d), k, k0, size, size, count=count)
            for d in depths
        ]
        ax_m.plot(depths, np.array(counts) / 1e6, label=label)
    if built:
        elements = np.array(list(built.values())) / 1e6
        ax_m.plot(list(built), elements, "ko", ms=4, label="built blocks")
    ax_m.set(
        xlabel="layers in the block, L",
        ylabel="elements per image (millions)",
        title=f"Feature maps, k = {k}, k0 = {k0}, {size}x{size}",
    )
    ax_m.legend(fontsize=8)
    params = []
    for d in depths:
        plan = channel_plan(
            blocks=(int(d),),
            growth_rate=k,
            init_channels=k0,
            bottleneck=False,
            stem="cifar",
        )
        params.append(sum(r.params for r in plan.rows if r.kind == "dense_layer"))
    ax_p.plot(depths, np.array(params) / 1e6)
    ax_p.set(
        xlabel="layers in the block, L",
        ylabel="parameters (millions)",
        title="Parameters (dl.channel_plan)",
    )
    return axes


def network_width(plan) -> list:
    """``(depth, channels in, kind)`` of each dense layer and transition of a
    :class:`~densenet_lib.ChannelPlan`, in order. Depth counts convolutions
    as the paper's L does: the first convolution (the stem) is depth 1, a
    bottleneck layer's two convolutions count two."""
    plan = _as_plan(plan)
    depth, points = 1, []
    for r in plan.rows:
        if r.kind in ("dense_layer", "transition"):
            points.append((depth + 1, r.channels_in, r.kind))
            two_convs = r.kind == "dense_layer" and plan.config.bottleneck
            depth += 2 if two_convs else 1
    return points


def draw_network_width(plans: dict, ax=None):
    """The channels into every unit against depth, one step line per plan
    (``{label: ChannelPlan}``); dashed lines mark the first plan's
    transitions. Returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
    for label, plan in plans.items():
        depths, channels, _ = zip(*network_width(plan))
        ax.step(depths, channels, where="post", label=f"{label}: channels in")
    first = network_width(next(iter(plans.values())))
    for depth, _, kind in first:
        if kind == "transition":
            ax.axvline(depth, color="gray", lw=0.8, ls="--")
    ax.set(
        xlabel="depth (convolutions from the input; dashed: transitions)",
        ylabel="channels",
        xlim=(0, max(d for d, _, _ in first) + 1),
    )
    return ax


def draw_stage_costs(models: dict, axes=None):
    """Parameters and multiply-adds per stage (``stem``, ``conv2`` ...
    ``conv5``, ``head``; :func:`densenet_lib.counting.resolution_summary`)
    of each built model in ``models`` (``{label: keras.Model}``), as bars
    side by side. Returns the two axes."""
    import matplotlib.pyplot as plt
    import numpy as np

    from .counting import resolution_summary

    stats = {label: resolution_summary(m) for label, m in models.items()}
    first = next(iter(stats.values()))
    keys = [key for key in first if all(key in s for s in stats.values())]
    labels = [
        f"{first[key][2][0]}×{first[key][2][1]}\n{key}"
        if key.startswith("conv")
        else key
        for key in keys
    ]
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.4), layout="constrained")
    width = 0.8 / len(stats)
    panels = [(0, 1e6, "parameters (millions)"), (1, 1e9, "multiply-adds (billions)")]
    for ax, (index, scale, title) in zip(axes, panels):
        for i, (label, stat) in enumerate(stats.items()):
            heights = [stat[key][index] / scale for key in keys]
            offset = (i - (len(stats) - 1) / 2) * width
            ax.bar(np.arange(len(keys)) + offset, heights, width=width, label=label)
        ax.set_xticks(range(len(keys)), labels, fontsize=8)
        ax.set_title(title)
    axes[0].legend()
    return axes
