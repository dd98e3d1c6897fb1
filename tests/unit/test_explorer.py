"""The growth-rate explorer: its JavaScript equals channel_plan, its live widgets
equal a built model, and bad input is clamped, refused or raised, never a traceback."""

import dataclasses
import itertools
import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import keras
import pytest
from conftest import reference_macs

import densenet_lib as dl
from densenet_lib import explorer as ex

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
JS = Path(ex.__file__).with_name("explorer.js")
needs_node = pytest.mark.skipif(
    NODE is None, reason="node is not installed: the JavaScript port cannot be run"
)

# Reads {"op": ..., "items": [...]} on stdin, answers one result (or
# {"error": message}) per item.
DRIVER = r"""
const X = require(process.argv[1]);
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const job = JSON.parse(input);
  const out = job.items.map((item) => {
    try {
      switch (job.op) {
        case "plan": {
          const p = X.channelPlan(item);
          return { rows: p.rows, params: p.params, non_trainable: p.non_trainable,
                   trainable: p.trainable, macs: p.macs };
        }
        case "compressed":
          return item.c.map((c) => X.compressedChannels(c, item.theta));
        case "stem":
          return [X.spatialAfterStem(item.size, item.stem),
                  X.minInputSize(item.stem, item.blocks)];
        case "view": {
          const config = X.explorerConfig(item.settings, job.limits);
          return X.view(X.channelPlan(config), item.block);
        }
        case "clamp":
          return X.clampSettings(item.raw, item.previous, job.limits);
      }
    } catch (e) { return { error: e.message }; }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def run_js(op, items, **extra):
    job = json.dumps(dict(op=op, items=items, **extra))
    result = subprocess.run(
        [NODE, "-e", DRIVER, str(JS)],
        input=job,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def config_dict(config: dl.DenseNetConfig) -> dict:
    keys = (
        "blocks",
        "growth_rate",
        "init_channels",
        "bottleneck",
        "compression",
        "stem",
        "include_top",
        "pooling",
        "classes",
        "input_shape",
    )
    return {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in ((k, getattr(config, k)) for k in keys)
    }


def plan_dict(plan) -> dict:
    return dict(
        rows=[dataclasses.asdict(r) for r in plan.rows],
        params=plan.params,
        non_trainable=plan.non_trainable_params,
        trainable=plan.trainable_params,
        macs=plan.macs,
    )


def grid_configs():
    """Presets at several k and θ, and seeded random configurations (both stems,
    odd input sizes, no input size, with and without the top)."""
    configs = []
    thetas = [0.1, 0.29, 0.3, 0.33, 0.5, 0.57, 0.7, 0.999, 1.0]
    for name, k, theta, bottleneck in itertools.product(
        ex.PRESETS, [1, 7, 12, 32, 64], thetas, [True, False]
    ):
        s = dict(
            ex.PRESETS[name], growth_rate=k, compression=theta, bottleneck=bottleneck
        )
        s.pop("label")
        try:
            configs.append(ex.explorer_config(s))
        except ValueError as error:  # k = 1, θ = 0.1 can leave no channel
            assert "leaves 0 channels" in str(error)
    rng = random.Random(0)
    while len(configs) < 3000:
        stem = rng.choice(["imagenet", "cifar"])
        blocks = tuple(rng.randint(1, 20) for _ in range(rng.randint(1, 5)))
        low = dl.min_input_size(stem, len(blocks))
        include_top = rng.random() < 0.7
        size = (
            rng.choice([None, low, low + 1, rng.randint(low, 1024)])
            if not include_top
            else rng.randint(low, 600)
        )
        try:
            configs.append(
                dl.DenseNetConfig(
                    blocks=blocks,
                    growth_rate=rng.randint(1, 64),
                    init_channels=rng.choice([None, 1, 3, 16, 64, 1000]),
                    bottleneck=rng.random() < 0.5,
                    compression=rng.choice(thetas + [rng.uniform(0.01, 1.0)]),
                    stem=stem,
                    include_top=include_top,
                    pooling=rng.choice([None, "avg", "max"]),
                    classes=rng.randint(1, 2000),
                    input_shape=(
                        size,
                        None if size is None else rng.randint(low, 700),
                        rng.randint(1, 4),
                    ),
                )
            )
        except ValueError as error:  # a compression that leaves no channel
            assert "compression" in str(error)
    return configs


# --- 1. JavaScript == Python -------------------------------------------------


@needs_node
def test_javascript_plan_equals_channel_plan_over_a_grid():
    configs = grid_configs()
    js = run_js("plan", [config_dict(c) for c in configs])
    for config, got in zip(configs, js):
        assert got == plan_dict(dl.channel_plan(config)), config


@needs_node
def test_javascript_floor_theta_c_uses_the_same_epsilon():
    thetas = [round(0.1 + 0.01 * i, 2) for i in range(91)] + [
        0.29,
        1 / 3,
        2 / 3,
        0.1 + 0.2,
        0.7000000000000001,
    ]
    cs = list(range(1, 3001))
    js = run_js("compressed", [dict(theta=t, c=cs) for t in thetas])
    for theta, got in zip(thetas, js):
        assert got == [dl.compressed_channels(c, theta) for c in cs], theta


@needs_node
def test_javascript_stem_arithmetic_and_smallest_input():
    items = [
        dict(size=s, stem=st, blocks=b)
        for s in range(1, 300)
        for st in ("imagenet", "cifar")
        for b in (1, 3, 4, 6)
    ]
    js = run_js("stem", items)
    for item, got in zip(items, js):
        assert got == [
            dl.config.spatial_after_stem(item["size"], item["stem"]),
            dl.min_input_size(item["stem"], item["blocks"]),
        ]


@needs_node
def test_javascript_view_equals_python_view():
    items = []
    for name in ex.PRESETS:
        for k, theta, size in [
            (32, 0.5, None),
            (5, 0.29, None),
            (64, 0.1, 1024),
            (1, 1.0, 77),
        ]:
            s = dict(ex.PRESETS[name], growth_rate=k, compression=theta)
            s.pop("label")
            if size:
                s["input_size"] = size
            for block in range(1, len(s["blocks"]) + 1):
                items.append(dict(settings=s, block=block))
    js = run_js("view", items, limits=ex.LIMITS)
    for item, got in zip(items, js):
        plan = dl.channel_plan(ex.explorer_config(item["settings"]))
        assert got == ex.explorer_view(plan, item["block"]), item


BAD_INPUTS = [
    dict(growth_rate="100"),
    dict(growth_rate="0"),
    dict(growth_rate="-3"),
    dict(growth_rate="abc"),
    dict(growth_rate="12.5"),
    dict(growth_rate=""),
    dict(growth_rate="  20 "),
    dict(compression="0"),
    dict(compression="1.5"),
    dict(compression="0.05"),
    dict(compression="x"),
    dict(compression="Infinity"),
    dict(compression="0.333"),
    dict(blocks="6, 12, 24, 16"),
    dict(blocks="0, 500"),
    dict(blocks="6 x"),
    dict(blocks=""),
    dict(blocks="1,1,1,1,1,1,1,1,1"),
    dict(blocks="3 4  5"),
    dict(init_channels=""),
    dict(init_channels="2k"),
    dict(init_channels="0"),
    dict(init_channels="5000"),
    dict(init_channels="abc"),
    dict(input_size="1"),
    dict(input_size="5000"),
    dict(input_size="big"),
    dict(classes="0"),
    dict(classes="10"),
    dict(stem="cifar", blocks="2, 2"),
    dict(stem="cifar", input_size="4"),
    dict(bottleneck=False),
    dict(blocks="1, 1", init_channels="1", growth_rate="1", compression="0.1"),
]


@needs_node
@pytest.mark.parametrize("preset", ["densenet121", "densenet_bc100_k12"])
def test_javascript_clamps_and_refuses_like_python(preset):
    previous = ex.explorer_settings(preset)
    js = run_js(
        "clamp",
        [dict(raw=raw, previous=previous) for raw in BAD_INPUTS],
        limits=ex.LIMITS,
    )
    for raw, got in zip(BAD_INPUTS, js):
        settings, messages = ex.clamp_settings(raw, previous)
        assert got["settings"] == json.loads(json.dumps(settings)), raw
        assert got["messages"] == messages, raw


# --- 2. Bad input ---------------------------------------------------------------


def test_clamp_settings_clamps_refuses_and_never_raises():
    previous = ex.explorer_settings("densenet121")
    s, m = ex.clamp_settings(dict(growth_rate="100", compression="0.01"), previous)
    assert (
        (s["growth_rate"], s["compression"]) == (64, 0.1)
        and len(m) == 2
        and "64" in m[0]
    )
    s, m = ex.clamp_settings(dict(blocks="6, x"), previous)
    assert s["blocks"] == previous["blocks"] and "not a list of whole numbers" in m[0]
    s, m = ex.clamp_settings(dict(input_size="3"), previous)
    assert s["input_size"] == dl.min_input_size("imagenet", 4) and "input size" in m[0]
    s, m = ex.clamp_settings(
        dict(blocks="1, 1", init_channels="1", growth_rate="1", compression="0.1"),
        previous,
    )
    assert s == previous and m[-1].startswith(
        "refused: compression 0.1 leaves 0 channels"
    )
    for raw in BAD_INPUTS:
        settings, _ = ex.clamp_settings(raw, previous)
        dl.channel_plan(ex.explorer_config(settings))  # always a valid configuration


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(growth_rate=65), "growth_rate"),
        (dict(growth_rate=0), "growth_rate"),
        (dict(growth_rate="12"), "growth_rate"),
        (dict(compression=0.05), "compression"),
        (dict(compression=1.5), "compression"),
        (dict(compression="0.5"), "compression"),
        (dict(blocks=(0, 3)), "blocks"),
        (dict(blocks=()), "blocks"),
        (dict(blocks=(200,)), "blocks"),
        (dict(blocks="6,12"), "blocks"),
        (dict(blocks=(1,) * 9), "blocks"),
        (dict(init_channels=0), "init_channels"),
        (dict(init_channels=4096), "init_channels"),
        (dict(input_size=10), "input_size"),
        (dict(input_size=2048), "input_size"),
        (dict(input_size=None), "input_size"),
        (dict(classes=0), "classes"),
        (dict(stem="mnist"), "stem"),
        (dict(bottleneck="yes"), "bottleneck"),
        (dict(preset="densenet122"), "preset"),
        (dict(block=5), "block"),
        (dict(block=0), "block"),
        (dict(depth=121), "unknown explorer setting"),
        (
            dict(blocks=(1, 1), init_channels=1, growth_rate=1, compression=0.1),
            "compression",
        ),
    ],
)
def test_python_api_raises_value_error_naming_the_parameter(kwargs, name):
    for make in (ex.static_explorer_html, ex.report, ex.live_explorer):
        with pytest.raises(ValueError, match=name):
            make(**kwargs)


def test_live_explorer_clamps_typed_values_with_a_visible_message():
    live = ex.live_explorer(preset="densenet_bc100_k12")
    c = live.controls
    c["input_size"].value = 1
    assert c["input_size"].value == dl.min_input_size(
        "cifar", 3
    )  # the box shows the clamped value
    assert live.settings["input_size"] == dl.min_input_size("cifar", 3)
    assert (
        "input size: 1 is outside" in live.message.value
        and 'role="alert"' in live.message.value
    )
    c["blocks"].value = "abc"
    assert live.settings["blocks"] == [16, 16, 16] and c["blocks"].value == "16, 16, 16"
    assert "not a list of whole numbers" in live.message.value
    c["init_channels"].value = "-3"
    assert live.settings["init_channels"] == 1 and c["init_channels"].value == "1"
    c["blocks"].value = "1, 1"
    c["growth_rate"].value = 1
    c[
        "compression"
    ].value = 0.1  # 2 channels -> floor(0.2) = 0: refused, slider put back
    assert "leaves 0 channels" in live.message.value
    assert live.settings["compression"] == 0.5 and c["compression"].value == 0.5
    c["classes"].value = 11  # a valid change clears the message
    assert live.message.value == "" and live.settings["classes"] == 11


# --- 3. The live explorer shows what a built model has ---------------------------


def shown_numbers(live):
    table = re.findall(
        r'<tr data-kind="(\w+)"><td>[^<]*</td><td><code>(\w+)</code></td>'
        r'<td data-col="channels_in">(\d+)</td><td data-col="channels_out">(\d+)</td>'
        r'<td data-col="size">([\dx]+|None)</td>',
        live.table.value,
    )
    layers = re.search(r'data-role="layers">([\d, ]+)<', live.totals.value).group(1)
    params = re.search(r'data-role="params">([\d,]+)<', live.totals.value).group(1)
    macs = re.search(r'data-role="macs">([\d,]+)<', live.totals.value).group(1)
    return (
        table,
        [int(x) for x in layers.split(",")],
        int(params.replace(",", "")),
        int(macs.replace(",", "")),
    )


@pytest.mark.parametrize(
    "changes",
    [
        dict(
            preset="densenet_bc100_k12",
            blocks="3, 4",
            growth_rate=5,
            compression=0.29,
            input_size=16,
            block=2,
        ),
        dict(
            preset="densenet121",
            blocks="2, 3, 2",
            growth_rate=7,
            compression=0.57,
            input_size=67,
            bottleneck=False,
            init_channels="9",
            classes=13,
            block=3,
        ),
    ],
)
def test_live_explorer_values_equal_a_built_model(changes):
    changes = dict(changes)
    live = ex.live_explorer(preset=changes.pop("preset"))
    block = changes.pop("block")
    for name, value in changes.items():  # as a reader moves the controls, one at a time
        live.controls[name].value = value
    live.controls["block"].value = block
    assert live.message.value == ""
    model = dl.build_densenet(live.config)
    table, layers, params, macs = shown_numbers(live)
    assert len(table) == 2 * len(live.config.blocks) + 1
    for _kind, name, _c_in, c_out, size in table:
        shape = model.get_layer(name).output.shape
        assert int(c_out) == shape[-1], name
        if len(shape) == 4:
            assert size == f"{shape[1]}x{shape[2]}", name
    concats = [
        model.get_layer(f"conv{block + 1}_block{i}_concat")
        for i in range(1, live.config.blocks[block - 1] + 1)
    ]
    assert layers == [layer.output.shape[-1] for layer in concats]
    assert params == model.count_params()
    assert macs == reference_macs(model)
    assert live.chart.value[:4] == b"\x89PNG"
    assert live.diagram.value[:4] == b"\x89PNG" and live.diagram.layout.display is None


def test_live_explorer_presets_and_big_blocks():
    live = ex.live_explorer(preset="densenet_bc100_k12")
    live.controls["preset"].value = "densenet169"
    assert live.settings == ex.explorer_settings("densenet169")
    live.controls["block"].value = 3  # 32 layers: no diagram
    assert live.diagram.layout.display == "none"
    assert shown_numbers(live)[1] == dl.channel_plan(dl.imagenet_config(169)).block(3)
    assert shown_numbers(live)[2] == dl.channel_plan(dl.imagenet_config(169)).params
    live.controls["blocks"].value = "4"  # one block: "show block" goes back to 1
    assert live.block == 1 and live.controls["block"].options == (("Dense Block 1", 1),)


# --- 4. The static explorer's HTML -------------------------------------------------


def test_static_explorer_html_is_self_contained_and_unique_per_instance():
    first = ex.static_explorer_html(preset="densenet121")
    second = ex.static_explorer_html(preset="densenet121")
    ids = [re.search(r'<div id="([\w-]+)"', h).group(1) for h in (first, second)]
    assert ids[0] != ids[1]
    for markup in (first, second):
        assert (
            markup.count("<script") == 1
            and markup.count("</script>") == 1
            and markup.endswith("</script>")
        )
        assert not re.search(r"\b(src|href)\s*=", markup)
        assert not re.search(r"cdn|unpkg|jsdelivr|googleapis|@import", markup, re.I)
        assert "mathjax_ignore" in markup
    assert ex.explorer_js() == JS.read_text()
    with pytest.raises(ValueError, match="element_id"):
        ex.static_explorer_html(element_id='x" onload="alert(1)')


def test_static_explorer_displays_html_and_text():
    obj = ex.static_explorer(
        preset="densenet_bc100_k12", block=2, growth_rate=7, display=False
    )
    assert obj._repr_html_().startswith('<div id="densenet-explorer-')
    assert repr(obj) == ex.report(preset="densenet_bc100_k12", block=2, growth_rate=7)
    assert "channels after each layer: [" in repr(obj)


def test_explorer_js_ships_with_the_package():
    assert 'densenet_lib = ["explorer.js"]' in (ROOT / "pyproject.toml").read_text()


def test_report_quotes_channel_plan():
    text = ex.report(preset="densenet121")
    plan = dl.channel_plan(dl.imagenet_config(121))
    assert (
        str(plan.block(1)) in text
        and f"{plan.params:,}" in text
        and f"{plan.macs:,}" in text
    )


def test_presets_build_the_papers_models():
    for name, kwargs in dl.CIFAR_PRESETS.items():
        assert (
            ex.explorer_config(ex.explorer_settings(name)).blocks
            == dl.densenet_cifar_config(**kwargs).blocks
        )
        assert (
            dl.channel_plan(ex.explorer_config(ex.explorer_settings(name))).params
            == dl.channel_plan(dl.densenet_cifar_config(**kwargs)).params
        )
    for depth in dl.IMAGENET_VARIANTS:
        assert (
            dl.channel_plan(
                ex.explorer_config(ex.explorer_settings(f"densenet{depth}"))
            ).params
            == dl.channel_plan(dl.imagenet_config(depth)).params
        )
    assert keras.config.image_data_format() == "channels_last"
