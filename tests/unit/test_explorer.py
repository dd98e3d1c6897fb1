"""The growth-rate explorer: its JavaScript equals channel_plan, its live widgets
equal a built model, and bad input is clamped, refused or raised, never a traceback."""

import dataclasses
import html
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

# Shapes, counts and arithmetic: the same on every Keras backend, so the
# Makefile runs this file on TensorFlow only (pyproject.toml, markers).
pytestmark = pytest.mark.backend_independent

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
JS = Path(ex.__file__).with_name("explorer.js")
CASES = json.loads(
    Path(__file__).with_name("explorer_cases.json").read_text(encoding="utf-8")
)
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
          const elements = [false, true].map((e) => X.networkElements(p, e));
          return { rows: p.rows, params: p.params, non_trainable: p.non_trainable,
                   trainable: p.trainable, macs: p.macs, elements: elements };
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
    """The plan as the JavaScript returns it, with the feature-map elements per
    image, naive and memory-efficient (``None`` for an unknown input size)."""
    sized = None not in plan.config.input_shape[:2]
    return dict(
        rows=[dataclasses.asdict(r) for r in plan.rows],
        params=plan.params,
        non_trainable=plan.non_trainable_params,
        trainable=plan.trainable_params,
        macs=plan.macs,
        elements=[
            dl.memory.network_elements(plan, efficient) if sized else None
            for efficient in (False, True)
        ],
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


# --- 2. Bad input: the cases in explorer_cases.json -----------------------------


def before_and_after(case):
    """The settings a clamp case starts from, and those it must end with."""
    previous = ex.explorer_settings(case["preset"], **case.get("previous", {}))
    return previous, dict(previous, **case["settings"])


def test_clamp_settings_clamps_or_refuses_as_the_cases_say():
    for case in CASES["clamp"]:
        previous, expected = before_and_after(case)
        settings, messages = ex.clamp_settings(case["raw"], previous)
        assert (settings, messages) == (expected, case["messages"]), case
        dl.channel_plan(ex.explorer_config(settings))  # always a valid config


@needs_node
def test_javascript_clamps_or_refuses_as_the_cases_say():
    starts = [before_and_after(case) for case in CASES["clamp"]]
    items = [
        dict(raw=case["raw"], previous=previous)
        for case, (previous, _) in zip(CASES["clamp"], starts)
    ]
    js = run_js("clamp", items, limits=ex.LIMITS)
    for case, (_, expected), got in zip(CASES["clamp"], starts, js):
        assert got == dict(settings=expected, messages=case["messages"]), case


def test_python_api_raises_value_error_naming_the_parameter():
    for case in CASES["refuse"]:
        preset, block = case.get("preset", "densenet121"), case.get("block", 1)
        for make in (ex.static_explorer_html, ex.report, ex.live_explorer):
            with pytest.raises(ValueError, match=re.escape(case["error"])):
                make(preset=preset, block=block, **case["settings"])


@needs_node
def test_javascript_refuses_what_python_refuses():
    cases = [case for case in CASES["refuse"] if not case.get("python_only")]
    items = []
    for case in cases:
        settings = dict(ex.PRESETS[case.get("preset", "densenet121")])
        settings.pop("label")
        items.append(
            dict(
                settings=dict(settings, **case["settings"]), block=case.get("block", 1)
            )
        )
    for case, got in zip(cases, run_js("view", items, limits=ex.LIMITS)):
        assert case["error"] in got.get("error", ""), (case, got)


def live_value(key, value):
    """What a reader can set the live explorer's control for ``key`` to, to
    enter ``value`` (typed text, or a setting), or None where it cannot: the
    number boxes take whole numbers, the sliders only values inside their
    range, the stem only its two choices."""
    if key in ("blocks", "init_channels"):  # text boxes
        if isinstance(value, list):
            return ", ".join(map(str, value))
        return "2k" if value is None else str(value)
    if key in ("input_size", "classes"):  # IntText
        text = str(value)
        return int(text) if re.fullmatch(r"\s*-?\d+\s*", text) else None
    if key in ("growth_rate", "compression"):  # sliders
        try:
            number = float(value) if key == "compression" else int(value)
        except ValueError:
            return None
        low, high = ex.LIMITS[key]
        return number if low <= number <= high else None
    if key == "stem":
        return value if value in dl.config.STEMS else None
    return value  # the bottleneck checkbox


def shown_settings(live):
    """The settings the live explorer's controls show."""
    c = live.controls
    init = c["init_channels"].value
    return dict(
        growth_rate=c["growth_rate"].value,
        blocks=[int(b) for b in c["blocks"].value.split(",")],
        init_channels=None if init == "2k" else int(init),
        bottleneck=c["bottleneck"].value,
        compression=c["compression"].value,
        stem=c["stem"].value,
        input_size=c["input_size"].value,
        classes=c["classes"].value,
    )


def live_cases():
    """For each control, the first case that clamps a value entered there and
    the first that refuses one (a case with a message, one value typed)."""
    first = {}
    for case in CASES["clamp"]:
        if len(case["raw"]) != 1 or not case["messages"]:
            continue
        ((key, value),) = case["raw"].items()
        if live_value(key, value) is not None:
            first.setdefault((key, bool(case["settings"])), case)
    return first


def test_live_explorer_clamps_typed_values_with_a_visible_message(monkeypatch):
    # Charts are drawn as ever, but not encoded: test_live_explorer_values_...
    # checks the PNGs.
    monkeypatch.setattr(ex, "_png", lambda fig: b"png")
    cases = live_cases()
    assert set(cases) >= {
        ("blocks", True),
        ("blocks", False),
        ("init_channels", True),
        ("init_channels", False),
        ("input_size", True),
        ("compression", False),  # a combination refused whole: slider put back
    }
    live = ex.live_explorer()
    for case in cases.values():
        live.load_preset(case["preset"])
        for key, value in case.get("previous", {}).items():
            live.controls[key].value = live_value(key, value)
        _, expected = before_and_after(case)
        ((key, text),) = case["raw"].items()
        live.controls[key].value = live_value(key, text)
        # The controls show the clamped (or kept) values, the message says why.
        assert shown_settings(live) == live.settings == expected, case
        assert 'role="alert"' in live.message.value
        for message in case["messages"]:
            assert html.escape(message) in live.message.value, case
    live.controls["classes"].value = 11  # a valid change clears the message
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

    def number(role):
        text = re.search(rf'data-role="{role}">([\d,]+)<', live.totals.value).group(1)
        return int(text.replace(",", ""))

    return (
        table,
        [int(x) for x in layers.split(",")],
        number("params"),
        number("macs"),
        [number("elements-naive"), number("elements-efficient")],
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
    table, layers, params, macs, elements = shown_numbers(live)
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
    efficient = dataclasses.replace(live.config, memory_efficient=True)
    assert elements == [
        dl.memory.feature_map_elements(m) for m in (model, dl.build_densenet(efficient))
    ]
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
    assert '"explorer.js"' in (ROOT / "pyproject.toml").read_text()


def test_report_quotes_channel_plan():
    text = ex.report(preset="densenet121")
    plan = dl.channel_plan(dl.imagenet_config(121))
    elements = [dl.memory.network_elements(plan, e) for e in (False, True)]
    assert (
        str(plan.block(1)) in text
        and f"{plan.params:,}" in text
        and f"{plan.macs:,}" in text
        and f"{elements[0]:,} / {elements[1]:,}" in text
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
