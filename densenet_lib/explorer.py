"""The growth-rate explorer: sliders that show a DenseNet's channel counts.

Two versions show the same numbers, all taken from
:func:`densenet_lib.channel_plan` (and, from it, the feature-map elements per
image of the naive and the memory-efficient model,
:func:`densenet_lib.memory.network_elements`):

- :func:`live_explorer` (Jupyter, JupyterLab, Colab): core ipywidgets
  (sliders, dropdowns, text boxes) whose callbacks run in the Python kernel
  and redraw a matplotlib bar chart of the channels after every layer of one
  Dense Block, the paper's Figure 1 for small blocks
  (:func:`densenet_lib.figures.draw_dense_block`), the table of block and
  transition boundaries, and the totals. It needs a running kernel.
- :func:`static_explorer` (the HTML book, or any notebook): one
  self-contained HTML output, inline CSS and an inline ``<script>`` holding
  ``explorer.js``, a JavaScript port of ``plan.py``'s arithmetic that
  recomputes everything in the browser as the sliders move. No kernel, no
  external script, no CDN. The tests run ``explorer.js`` with ``node`` over
  a grid of configurations and check every number equals ``channel_plan``'s.

The settings (paper terms): ``growth_rate`` k (1-64), ``blocks`` (dense
layers per Dense Block, Table 1/2), ``init_channels`` k_0 of the first block
(``None`` = 2k), ``bottleneck`` (DenseNet-B), ``compression`` θ (0.1-1.0,
DenseNet-C), ``stem`` (``"imagenet"`` 7x7/2 conv + 3x3/2 max pool, or
``"cifar"`` 3x3 conv), ``input_size`` (square images, H = W), ``classes``.
A ``preset`` (an ImageNet DenseNet of :data:`densenet_lib.IMAGENET_VARIANTS`,
e.g. ``"densenet121"``, or one of the paper's CIFAR models) supplies every
setting not given.

Bad values: the Python functions raise ``ValueError`` naming the parameter
(every value through :class:`DenseNetConfig`, then the widgets' ranges,
:data:`LIMITS`); values typed into either explorer are clamped to their
range, or refused, with a visible message (:func:`clamp_settings` and its
JavaScript twin).
"""

from __future__ import annotations

import html
import io
import itertools
import json
import math
import re
import textwrap
from importlib import resources

from .config import STEMS, DenseNetConfig, check_choice, check_int, min_input_size
from .densenet import CIFAR_PRESETS, densenet_cifar_config, imagenet_config
from .memory import network_elements
from .plan import ChannelPlan, channel_plan
from .variants import IMAGENET_VARIANTS

# ---------------------------------------------------------------------------
# Presets and ranges (shared with the JavaScript as JSON: one source).
# ---------------------------------------------------------------------------

LIMITS = {
    "growth_rate": (1, 64),
    "compression": (0.1, 1.0),
    "num_blocks": (1, 8),
    "layers_per_block": (1, 128),
    "init_channels": (1, 1024),
    "input_size": (
        1,
        1024,
    ),  # the lower end also depends on the stem: see min_input_size
    "classes": (1, 100000),
}
"""The explorer's ranges (inclusive). The library itself accepts larger values."""

DIAGRAM_MAX_LAYERS = 8
"""Blocks with at most this many layers also get the Figure-1 diagram."""

SETTING_NAMES = (
    "growth_rate",
    "blocks",
    "init_channels",
    "bottleneck",
    "compression",
    "stem",
    "input_size",
    "classes",
)


def _preset_settings(label: str, config: DenseNetConfig) -> dict:
    """The explorer's settings (and ``label``) of a preset's config."""
    k = config.growth_rate
    return dict(
        label=label,
        blocks=list(config.blocks),
        growth_rate=k,
        # None means "2k": it follows the growth-rate slider, as the paper's
        # rule does.
        init_channels=None if config.stem_channels == 2 * k else config.stem_channels,
        bottleneck=config.bottleneck,
        compression=float(config.compression),
        stem=config.stem,
        input_size=config.input_shape[0],
        classes=config.classes,
    )


def _presets() -> dict:
    """Every preset's settings, derived from the library's own tables:
    :data:`densenet_lib.IMAGENET_VARIANTS` (paper Table 1, and DenseNet-161)
    and ``CIFAR_PRESETS`` (Table 2)."""
    out = {}
    for variant in IMAGENET_VARIANTS.values():
        config = imagenet_config(variant.depth)
        out[variant.name] = _preset_settings(variant.label, config)
    for name, kwargs in CIFAR_PRESETS.items():
        config = densenet_cifar_config(**kwargs)
        kind = "DenseNet-BC" if config.is_bc else "DenseNet"
        label = f"{kind} (L={config.num_layers}, k={config.growth_rate}), CIFAR"
        out[name] = _preset_settings(label, config)
    return out


PRESETS = _presets()
"""Preset name -> settings (and a ``label``).

E.g. ``PRESETS["densenet121"]["blocks"]``.
"""


# ---------------------------------------------------------------------------
# Strict Python API: settings -> DenseNetConfig (ValueError naming the parameter).
# ---------------------------------------------------------------------------


def _limits(key: str, stem: str, num_blocks: int) -> tuple:
    """The explorer's range ``(low, high)`` for ``key`` (a key of :data:`LIMITS`).

    The one place the widget ranges are applied: :func:`clamp_settings`
    clamps typed values into them, :func:`explorer_config` refuses values
    outside them. The lower end of ``input_size`` is also the smallest input
    that ``stem`` and ``num_blocks`` Dense Blocks allow (:func:`min_input_size`).
    """
    low, high = LIMITS[key]
    if key == "input_size":
        low = max(low, min_input_size(stem, num_blocks))
    return low, high


# How explorer_config's messages name what each range bounds.
_RANGE_NAMES = {
    "growth_rate": ("growth_rate", "an integer"),
    "compression": ("compression", "a number"),
    "num_blocks": ("number of blocks (len(blocks))", "an integer"),
    "layers_per_block": ("blocks (layers per Dense Block)", "integers"),
    "init_channels": ("init_channels", "an integer"),
    "input_size": ("input_size", "an integer"),
    "classes": ("classes", "an integer"),
}


def _ranged_values(config: DenseNetConfig):
    """``(key of LIMITS, value)`` for every explorer setting a range bounds."""
    yield "growth_rate", config.growth_rate
    yield "compression", config.compression
    yield "num_blocks", len(config.blocks)
    for layers in config.blocks:
        yield "layers_per_block", layers
    if config.init_channels is not None:
        yield "init_channels", config.init_channels
    yield "input_size", config.input_shape[0]
    yield "classes", config.classes


def explorer_settings(preset: str = "densenet121", **settings) -> dict:
    """The full settings of a preset with ``settings`` overriding it, checked.

    Keys: ``growth_rate``, ``blocks``, ``init_channels`` (``None`` = 2k),
    ``bottleneck``, ``compression``, ``stem``, ``input_size``, ``classes``.

    Raises:
        ValueError: naming the parameter, for an unknown preset or setting or
            any value outside the explorer's range (:data:`LIMITS`) or the
            library's (:class:`DenseNetConfig`).
    """
    check_choice("preset", preset, tuple(PRESETS))
    unknown = set(settings) - set(SETTING_NAMES)
    if unknown:
        raise ValueError(
            f"unknown explorer setting(s) {sorted(unknown)}; "
            f"known: {list(SETTING_NAMES)}"
        )
    merged = {key: value for key, value in PRESETS[preset].items() if key != "label"}
    merged.update(settings)
    explorer_config(merged)  # validates
    merged["blocks"] = [int(b) for b in merged["blocks"]]
    return merged


def explorer_config(settings: dict) -> DenseNetConfig:
    """The :class:`DenseNetConfig` of full explorer ``settings``.

    ImageNet or CIFAR stem, square RGB input of ``input_size`` pixels, with
    the classifier. :class:`DenseNetConfig` validates every value; the
    explorer then refuses what lies outside its widgets' ranges
    (:data:`LIMITS`). Either way a ``ValueError`` names the setting.
    """
    s = settings
    size = s["input_size"]
    try:
        config = DenseNetConfig(
            blocks=s["blocks"],
            growth_rate=s["growth_rate"],
            init_channels=s["init_channels"],
            bottleneck=s["bottleneck"],
            compression=s["compression"],
            stem=s["stem"],
            include_top=True,
            classes=s["classes"],
            input_shape=(size, size, 3),
            name="explorer",
        )
    except ValueError as error:
        if str(error).startswith("input_shape"):  # built from input_size
            raise ValueError(f"input_size {size!r}: {error}") from None
        raise
    for key, value in _ranged_values(config):
        low, high = _limits(key, config.stem, len(config.blocks))
        if value is None or not low <= value <= high:
            name, what = _RANGE_NAMES[key]
            raise ValueError(
                f"{name} must be {what} in [{low}, {high}] in the explorer, "
                f"got {value!r}"
            )
    return config


def explorer_plan(preset: str = "densenet121", **settings) -> ChannelPlan:
    """``channel_plan`` of a preset with ``settings`` overriding it.

    This is what both explorers show.
    """
    return channel_plan(explorer_config(explorer_settings(preset, **settings)))


def _check_block(block, config: DenseNetConfig) -> int:
    block = check_int("block", block)
    if block > len(config.blocks):
        raise ValueError(
            f"block must be in [1, {len(config.blocks)}] (the Dense Blocks), "
            f"got {block}"
        )
    return block


# ---------------------------------------------------------------------------
# The view: exactly the numbers both explorers display.
# ---------------------------------------------------------------------------


def _size(row):
    return None if row.height is None else f"{row.height}x{row.width}"


def explorer_view(plan: ChannelPlan, block: int = 1) -> dict:
    """What the explorers display for ``plan`` and Dense Block ``block`` (1-based).

    ``layers``: channels after each dense layer of the block, k_0 + k·l;
    ``boundaries``: one row each for the stem, every Dense Block (channels in
    and out), every transition (⌊θ·c⌋ out, feature map halved) and the
    head, each with the feature-map size after it; the totals: ``params``,
    ``trainable``, ``non_trainable`` (BN moving statistics), ``macs``
    (multiply-adds of one image), and the feature-map elements of one image
    (:func:`densenet_lib.memory.network_elements`) of the naive model,
    ``elements_naive``, and of the memory-efficient one (Pleiss et al. 2017),
    ``elements_memory_efficient``, with ``elements_ratio`` the first over the
    second. The JavaScript's ``view()`` returns the same.
    """
    config = plan.config
    block = _check_block(block, config)
    boundaries = []
    for row in plan.boundaries():
        channels_in = row.channels_in
        if row.kind == "stem":
            kind, what = (
                "stem",
                (
                    "stem: 7x7/2 conv + 3x3/2 max pool"
                    if config.stem == "imagenet"
                    else "stem: 3x3 conv"
                ),
            )
        elif row.kind == "transition":
            kind = "transition"
            what = f"transition {row.block}: 1x1 conv + 2x2 avg pool"
        elif row.kind == "head":
            kind = "head"
            what = f"classifier: global avg pool + dense({config.classes})"
        else:  # a block's last dense layer: the block, from its input
            n = config.blocks[row.block - 1]
            kind = "block"
            what = f"Dense Block {row.block}: {n} layer{'' if n == 1 else 's'}"
            channels_in = plan.block_input_channels(row.block)
        boundaries.append(
            dict(
                kind=kind,
                what=what,
                name=row.name,
                channels_in=channels_in,
                channels_out=row.channels_out,
                size=_size(row),
            )
        )
    return dict(
        block=block,
        growth_rate=config.growth_rate,
        k0=plan.block_input_channels(block),
        layers=plan.block(block),
        boundaries=boundaries,
        params=plan.params,
        trainable=plan.trainable_params,
        non_trainable=plan.non_trainable_params,
        macs=plan.macs,
        **_elements(plan),
    )


def _elements(plan: ChannelPlan) -> dict:
    """The view's feature-map elements per image: naive, memory-efficient, ratio."""
    naive = network_elements(plan, memory_efficient=False)
    efficient = network_elements(plan, memory_efficient=True)
    return dict(
        elements_naive=naive,
        elements_memory_efficient=efficient,
        elements_ratio=naive / efficient,
    )


def _human(n) -> str:
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(n) >= scale:
            return f"{n / scale:.2f} {unit}"
    return str(n)


def report(preset: str = "densenet121", block: int = 1, **settings) -> str:
    """The explorer's numbers as plain text (the same numbers, no widgets)."""
    plan = explorer_plan(preset, **settings)
    view = explorer_view(plan, block)
    lines = [
        f"Dense Block {view['block']}: k0 = {view['k0']}, k = {view['growth_rate']}",
        textwrap.fill(
            f"channels after each layer: {view['layers']}",
            width=78,
            subsequent_indent="  ",
        ),
        f"{'where':<44} {'in':>6} {'out':>6}  feature map",
    ]
    for b in view["boundaries"]:
        lines.append(
            f"{b['what']:<44} {b['channels_in']:>6} {b['channels_out']:>6}  {b['size']}"
        )
    lines.append(
        f"parameters: {view['params']:,} ({_human(view['params'])}; "
        f"{view['non_trainable']:,} non-trainable BN statistics)"
    )
    lines.append(f"multiply-adds per image: {view['macs']:,} ({_human(view['macs'])})")
    lines.append(
        "feature-map elements per image (naive / memory-efficient): "
        f"{view['elements_naive']:,} / {view['elements_memory_efficient']:,} "
        f"({view['elements_ratio']:.2f}x fewer)"
    )
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Lenient path for typed input: clamp or refuse, with a message (never raise).
# ---------------------------------------------------------------------------

_INT = re.compile(r"^\s*[+-]?\d+\s*$")


def _parse_int(text):
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        return int(text) if math.isfinite(text) and text == int(text) else None
    text = str(text)
    return int(text) if _INT.match(text) else None


def _parse_float(text):
    if isinstance(text, bool):
        return None
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _fmt(value) -> str:
    """A number as the messages print it (0.1 not 0.10000000000000001; 64 not 64.0)."""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def clamp_settings(raw: dict, previous: dict) -> tuple:
    """Turn typed values into valid settings: ``(settings, messages)``.

    ``raw`` holds what the controls contain, as numbers or strings (blocks as
    ``"6, 12, 24, 16"``, init channels as ``""`` or ``"2k"`` for 2k). A value
    out of range is clamped into it; text that is not a number is refused and
    the ``previous`` (valid) value kept. Each clamp or refusal adds a message.
    A combination the library rejects (a compression leaving no channel) is
    refused whole: ``previous`` is returned with the library's message.
    ``explorer.js``'s ``clampSettings`` does the same in the browser.
    """
    out, messages = dict(previous), []

    def clamp(label, value, key):
        low, high = _limits(key, out["stem"], len(out["blocks"]))
        if value < low or value > high:
            fixed = min(max(value, low), high)
            messages.append(
                f"{label}: {_fmt(value)} is outside {_fmt(low)}–{_fmt(high)}; "
                f"using {_fmt(fixed)}."
            )
            return fixed
        return value

    def refuse(label, text, kept, what="a whole number"):
        messages.append(f"{label}: '{str(text).strip()}' is not {what}; kept {kept}.")

    def take_int(key, label, clamped=True):
        value = _parse_int(raw[key])
        if value is None:
            refuse(label, raw[key], previous[key])
        else:
            out[key] = clamp(label, value, key) if clamped else value

    if "growth_rate" in raw:
        take_int("growth_rate", "growth rate k")
    if "compression" in raw:
        theta = _parse_float(raw["compression"])
        if theta is None:
            refuse(
                "compression θ",
                raw["compression"],
                _fmt(previous["compression"]),
                "a number",
            )
        else:
            out["compression"] = clamp("compression θ", theta, "compression")
    if "blocks" in raw:
        text = raw["blocks"]
        parts = (
            [p for p in re.split(r"[,\s]+", text.strip())]
            if isinstance(text, str)
            else list(text)
        )
        parts = [p for p in parts if p != ""]
        values = [_parse_int(p) for p in parts]
        kept = ", ".join(str(b) for b in previous["blocks"])
        if not values or None in values:
            messages.append(
                f"blocks: '{str(text).strip()}' is not a list of whole numbers "
                f"(layers per Dense Block, e.g. 6, 12, 24, 16); kept {kept}."
            )
        elif len(values) > LIMITS["num_blocks"][1]:
            messages.append(
                f"blocks: {len(values)} Dense Blocks is more than "
                f"{LIMITS['num_blocks'][1]}; kept {kept}."
            )
        else:
            out["blocks"] = [
                clamp(f"layers in Dense Block {i + 1}", v, "layers_per_block")
                for i, v in enumerate(values)
            ]
    if "bottleneck" in raw:
        out["bottleneck"] = bool(raw["bottleneck"])
    if "stem" in raw and raw["stem"] in STEMS:
        out["stem"] = raw["stem"]
    if "init_channels" in raw:
        text = raw["init_channels"]
        if text is None or str(text).strip().lower() in ("", "2k"):
            out["init_channels"] = None
        else:
            c = _parse_int(text)
            if c is None:
                kept = (
                    "2k"
                    if previous["init_channels"] is None
                    else previous["init_channels"]
                )
                refuse("initial channels", text, kept)
            else:
                out["init_channels"] = clamp("initial channels", c, "init_channels")
    if "input_size" in raw:  # clamped below, once the stem and blocks are known
        take_int("input_size", "input size", clamped=False)
    if "classes" in raw:
        take_int("classes", "classes")
    # The smallest input depends on the stem and the number of blocks.
    out["input_size"] = clamp("input size", out["input_size"], "input_size")
    try:
        explorer_config(out)
    except ValueError as error:
        return dict(previous), messages + [f"refused: {error}"]
    return out, messages


# ---------------------------------------------------------------------------
# Static explorer: one self-contained HTML output.
# ---------------------------------------------------------------------------

_counter = itertools.count(1)


def explorer_js() -> str:
    """The source of ``explorer.js`` (shipped inside the package)."""
    return (
        resources.files(__package__).joinpath("explorer.js").read_text(encoding="utf-8")
    )


def _script_safe(text: str) -> str:
    """Text that cannot end an inline <script> early."""
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def static_explorer_html(
    preset: str = "densenet121",
    block: int = 1,
    element_id: str | None = None,
    **settings,
) -> str:
    """The HTML of a static explorer: a ``<div>`` with inline CSS, then an
    inline ``<script>`` (``explorer.js`` + the presets and ranges as JSON).

    ``element_id`` (default ``densenet-explorer-<n>``, numbered per Python
    process) prefixes every id inside, so several explorers share a page.
    Raises ``ValueError`` naming the parameter for bad settings.
    """
    full = explorer_settings(preset, **settings)
    _check_block(block, explorer_config(full))
    if element_id is None:
        element_id = f"densenet-explorer-{next(_counter)}"
    if not re.fullmatch(r"[A-Za-z][\w-]*", element_id):
        raise ValueError(
            "element_id must be letters, digits, '-' or '_' (starting with a "
            f"letter), got {element_id!r}"
        )
    options = dict(
        preset=preset,
        block=block,
        settings=full,
        limits=LIMITS,
        presets=PRESETS,
        diagram_max_layers=DIAGRAM_MAX_LAYERS,
    )
    eid = html.escape(element_id)
    return (
        f'<div id="{eid}" class="densenet-explorer mathjax_ignore tex2jax_ignore" '
        f'data-preset="{html.escape(preset)}">'
        "<noscript>The growth-rate explorer needs JavaScript.</noscript></div>\n"
        f"<script>\n{_script_safe(explorer_js())}\n"
        f"DenseNetExplorer.mount({json.dumps(element_id)}, "
        f"{_script_safe(json.dumps(options))});\n"
        "</script>"
    )


class _StaticExplorer:
    """An object that displays as the static explorer's HTML (and as text elsewhere)."""

    def __init__(self, markup: str, text: str):
        self.markup, self.text = markup, text

    def _repr_html_(self):
        return self.markup

    def __repr__(self):
        return self.text


def static_explorer(
    preset: str = "densenet121", block: int = 1, display: bool = True, **settings
):
    """Show the kernel-free growth-rate explorer (HTML + JavaScript), e.g.

        dl.explorer.static_explorer(block=1, preset="densenet121")

    It works in the rendered book, Jupyter, JupyterLab and Colab alike: the
    browser recomputes the channel plan as the sliders move (no Python
    behind it). ``preset`` and ``settings`` give its starting point,
    ``block`` the Dense Block whose layers it charts. With ``display=False``
    the displayable object is returned instead of shown.
    """
    markup = static_explorer_html(preset, block, **settings)
    obj = _StaticExplorer(markup, report(preset, block, **settings))
    if not display:
        return obj
    from IPython.display import display as show

    show(obj)
    return None


# ---------------------------------------------------------------------------
# Live explorer: core ipywidgets + matplotlib, driven by the kernel.
# ---------------------------------------------------------------------------


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def channel_chart(plan: ChannelPlan, block: int = 1):
    """Bar chart of one Dense Block: k_0, then the channels after each layer
    (k_0 + k·l), and the transition's ⌊θ·c⌋ after it. Returns a matplotlib Figure."""
    from matplotlib.figure import Figure

    view = explorer_view(plan, block)
    layers = view["layers"]
    labels = ["in"] + [str(i) for i in range(1, len(layers) + 1)]
    values = [view["k0"]] + layers
    colors = ["#7f7f7f"] + ["#1f77b4"] * len(layers)
    transition = next(
        (r for r in plan.rows if r.kind == "transition" and r.block == view["block"]),
        None,
    )
    if transition is not None:
        labels.append("T")
        values.append(transition.channels_out)
        colors.append("#ff7f0e")
    fig = Figure(figsize=(7.5, 3.2))
    ax = fig.subplots()
    ax.bar(range(len(values)), values, color=colors)
    step = max(1, len(labels) // 24)
    ax.set_xticks(range(0, len(labels), step), labels[::step])
    ax.set_xlabel("dense layer ℓ (in = block input k0, T = transition)")
    ax.set_ylabel("channels")
    title = (
        f"Dense Block {view['block']}: k0 = {view['k0']}, k = {view['growth_rate']} "
        f"→ {layers[-1]} channels"
    )
    if transition is not None:
        title += (
            f"; transition ⌊θ·{transition.channels_in}⌋ = {transition.channels_out}"
        )
    ax.set_title(title, fontsize=10)
    if len(values) <= 20:
        for x, v in enumerate(values):
            ax.text(x, v, str(v), ha="center", va="bottom", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _diagram(plan: ChannelPlan, block: int):
    from matplotlib.figure import Figure

    from .figures import dense_block_figsize, draw_dense_block

    n = plan.config.blocks[block - 1]
    fig = Figure(figsize=dense_block_figsize(n))
    ax = fig.subplots()
    draw_dense_block(
        n, plan.config.growth_rate, plan.block_input_channels(block), ax=ax
    )
    return fig


def _table_html(view: dict) -> str:
    rows = "".join(
        f'<tr data-kind="{b["kind"]}"><td>{html.escape(b["what"])}</td>'
        f"<td><code>{b['name']}</code></td>"
        f'<td data-col="channels_in">{b["channels_in"]}</td>'
        f'<td data-col="channels_out">{b["channels_out"]}</td>'
        f'<td data-col="size">{b["size"]}</td></tr>'
        for b in view["boundaries"]
    )
    return (
        '<table class="densenet-live-table" style="border-collapse:collapse">'
        "<thead><tr><th>where</th><th>layer</th><th>channels in</th>"
        "<th>channels out</th><th>feature map after</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _totals_html(view: dict) -> str:
    return (
        '<div class="densenet-live-totals">'
        f"<b>Dense Block {view['block']}</b>, channels after each layer: "
        f'<span data-role="layers">{", ".join(map(str, view["layers"]))}</span><br>'
        f'<b>parameters</b>: <span data-role="params">{view["params"]:,}</span> '
        f"({_human(view['params'])}; {view['non_trainable']:,} of them BN moving "
        "statistics, not trainable) &nbsp; <b>multiply-adds per image</b>: "
        f'<span data-role="macs">{view["macs"]:,}</span> '
        f"({_human(view['macs'])})<br>"
        "<b>feature-map elements per image</b> (naive / memory-efficient): "
        f'<span data-role="elements-naive">{view["elements_naive"]:,}</span> / '
        '<span data-role="elements-efficient">'
        f"{view['elements_memory_efficient']:,}</span> "
        f"({view['elements_ratio']:.2f}× fewer)</div>"
    )


def _control_values(settings: dict) -> dict:
    """What the live explorer's controls show for ``settings``: the blocks and
    initial channels as the text a reader would type, the rest as they are."""
    shown = {name: settings[name] for name in SETTING_NAMES}
    shown["blocks"] = ", ".join(map(str, settings["blocks"]))
    init = settings["init_channels"]
    shown["init_channels"] = "2k" if init is None else str(init)
    return shown


class LiveExplorer:
    """The live (kernel) explorer's state and widgets; :func:`live_explorer` shows it.

    ``controls``: the ipywidgets by setting name (``growth_rate``, ``compression``,
    ``blocks``, ``init_channels``, ``bottleneck``, ``stem``, ``input_size``,
    ``classes``, ``preset``, ``block``); ``settings`` and ``plan``: what is shown
    now; ``view``: the displayed numbers (:func:`explorer_view`); ``message``,
    ``table``, ``totals``, ``chart``, ``diagram``: the output widgets;
    ``widget``: the box to display.
    """

    def __init__(self, preset: str = "densenet121", block: int = 1, **settings):
        import ipywidgets as w

        self.settings = explorer_settings(preset, **settings)
        self.plan = channel_plan(explorer_config(self.settings))
        self.block = _check_block(block, self.plan.config)
        shown = _control_values(self.settings)
        wide = w.Layout(width="330px")
        style = {"description_width": "110px"}

        def control(widget, description, value, **kwargs):
            """A control of the explorer's width, labelled ``description``."""
            return widget(
                value=value, description=description, layout=wide, style=style, **kwargs
            )

        def bounds(key):
            """A slider's ``min`` and ``max``: the explorer's range for ``key``."""
            return dict(zip(("min", "max"), LIMITS[key]))

        on_release = dict(continuous_update=False)  # act once the reader lets go
        self.controls = dict(
            preset=control(
                w.Dropdown,
                "preset",
                preset,
                options=[(v["label"], k) for k, v in PRESETS.items()],
            ),
            growth_rate=control(
                w.IntSlider,
                "growth rate k",
                shown["growth_rate"],
                **bounds("growth_rate"),
                **on_release,
            ),
            compression=control(
                w.FloatSlider,
                "compression θ",
                shown["compression"],
                **bounds("compression"),
                step=0.01,
                readout_format=".2f",
                **on_release,
            ),
            blocks=control(w.Text, "layers per block", shown["blocks"], **on_release),
            init_channels=control(
                w.Text,
                "initial channels",
                shown["init_channels"],
                placeholder="2k",
                **on_release,
            ),
            bottleneck=w.Checkbox(
                value=shown["bottleneck"],
                description="bottleneck (DenseNet-B)",
                indent=False,
                layout=w.Layout(width="250px"),
            ),
            stem=control(
                w.Dropdown,
                "stem",
                shown["stem"],
                options=[
                    ("ImageNet: 7x7/2 conv + max pool", "imagenet"),
                    ("CIFAR: 3x3 conv", "cifar"),
                ],
            ),
            input_size=control(
                w.IntText, "input size (px)", shown["input_size"], **on_release
            ),
            classes=control(w.IntText, "classes", shown["classes"], **on_release),
            block=control(
                w.Dropdown, "show block", self.block, options=self._block_options()
            ),
        )
        self.message = w.HTML(layout=w.Layout(min_height="1.5em"))
        self.table = w.HTML()
        self.totals = w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(max_width="640px"))
        self.diagram = w.Image(format="png", layout=w.Layout(max_width="640px"))
        self._busy = False
        header = w.HTML(
            "<b>Live growth-rate explorer</b> — computed by the Python kernel "
            "(<code>dl.channel_plan</code>). It needs a running kernel (Jupyter, "
            "JupyterLab, Colab): if moving a slider changes nothing, this is a "
            "static copy; use the kernel-free explorer instead."
        )
        c = self.controls
        self.widget = w.VBox(
            [
                header,
                w.HBox(
                    [
                        w.VBox(
                            [
                                c["preset"],
                                c["growth_rate"],
                                c["compression"],
                                c["blocks"],
                                c["init_channels"],
                            ]
                        ),
                        w.VBox(
                            [
                                c["stem"],
                                c["input_size"],
                                c["classes"],
                                c["bottleneck"],
                                c["block"],
                            ]
                        ),
                    ]
                ),
                self.message,
                self.totals,
                self.chart,
                self.diagram,
                self.table,
            ]
        )
        for name, control in c.items():
            control.observe(self._on_change(name), names="value")
        self.render()

    def _block_options(self):
        return [
            (f"Dense Block {i}", i) for i in range(1, len(self.settings["blocks"]) + 1)
        ]

    def _on_change(self, name):
        def handler(change):
            if self._busy:
                return
            if name == "preset":
                self.load_preset(change["new"])
            elif name == "block":
                self.block = change["new"]
                self.render()
            else:
                self.apply({name: change["new"]})

        return handler

    def load_preset(self, preset: str) -> None:
        """Set every control to ``preset``'s settings."""
        self.settings = explorer_settings(preset)
        self.block = 1
        self._sync_controls()
        self.message.value = ""
        self.render()

    def apply(self, raw: dict) -> list:
        """Take typed values (as :func:`clamp_settings` accepts them), clamp or
        refuse them, update the controls and redraw; returns the messages."""
        settings, messages = clamp_settings(raw, self.settings)
        changed, self.settings = settings != self.settings, settings
        self.block = min(self.block, len(self.settings["blocks"]))
        self._sync_controls()
        if (
            messages or changed
        ):  # a message stays until a change is accepted without one
            self.message.value = (
                ""
                if not messages
                else '<div role="alert" style="color:#b00020">'
                + "<br>".join(html.escape(m) for m in messages)
                + "</div>"
            )
        self.render()
        return messages

    def _sync_controls(self):
        s, c = self.settings, self.controls
        self._busy = True
        try:
            for name, value in _control_values(s).items():
                c[name].value = value
            c["block"].options = self._block_options()
            c["block"].value = self.block
        finally:
            self._busy = False

    @property
    def config(self) -> DenseNetConfig:
        return self.plan.config

    def render(self) -> None:
        """Recompute the plan and redraw every output."""
        self.plan = channel_plan(explorer_config(self.settings))
        self.view = explorer_view(self.plan, self.block)
        self.totals.value = _totals_html(self.view)
        self.table.value = _table_html(self.view)
        self.chart.value = _png(channel_chart(self.plan, self.block))
        n = self.settings["blocks"][self.block - 1]
        if n <= DIAGRAM_MAX_LAYERS:
            self.diagram.value = _png(_diagram(self.plan, self.block))
            self.diagram.layout.display = None
        else:
            self.diagram.value = b""
            self.diagram.layout.display = "none"

    def _ipython_display_(self):
        # ipywidgets 7 (as on Colab) has no _repr_mimebundle_ on widgets;
        # display() works with 7 and 8.
        from IPython.display import display

        display(self.widget)


def live_explorer(
    preset: str = "densenet121", block: int = 1, **settings
) -> LiveExplorer:
    """The live growth-rate explorer (core ipywidgets; needs a running kernel).

    Sliders for k and θ, text boxes for the block sizes, initial channels,
    input size and classes, a bottleneck switch and a stem choice; it shows the
    channels after every layer of the chosen Dense Block as a bar chart, the
    Figure-1 diagram for blocks of at most 8 layers, the boundary table and the
    totals, all from ``dl.channel_plan``. Typed values out of range are
    clamped (or refused) with a message. Returns the :class:`LiveExplorer`
    (Jupyter displays it when it ends a cell).
    """
    return LiveExplorer(preset, block, **settings)
