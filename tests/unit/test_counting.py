"""densenet_lib.counting reads multiply-adds and stages off built models;
densenet_lib.paper transcribes the paper's tables. Checked against hand
counts, the analytic channel plan and an independent per-layer count."""

import keras
import pytest
from conftest import reference_macs

import densenet_lib as dl
from densenet_lib import counting, paper

# Shapes, counts and arithmetic: the same on every Keras backend, so the
# Makefile runs this file on TensorFlow only (pyproject.toml, markers).
pytestmark = pytest.mark.backend_independent


def test_hand_count_of_a_tiny_model():
    inputs = keras.Input(shape=(8, 8, 3))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)  # 8*8 positions * 3*3*3*4
    x = keras.layers.BatchNormalization()(x)  # not counted
    x = keras.layers.DepthwiseConv2D(3, strides=2)(x)  # 3*3 positions * 3*3*4
    x = keras.layers.Conv2D(6, 1, groups=2)(x)  # 3*3 positions * (4/2)*6
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(5)(x)  # 6*5
    model = keras.Model(inputs, outputs)
    expected = 8 * 8 * 3 * 3 * 3 * 4 + 3 * 3 * 3 * 3 * 4 + 3 * 3 * 2 * 6 + 6 * 5
    assert expected == 7374
    assert counting.model_macs(model) == expected
    assert [counting.layer_macs(l) for l in model.layers] == [
        0,
        6912,
        0,
        324,
        108,
        0,
        30,
    ]


def test_hand_count_of_separable_transposed_and_sequential_dense():
    inputs = keras.Input(shape=(5, 5, 2))
    sep = keras.layers.SeparableConv2D(4, 3, padding="same")
    x = sep(inputs)  # 25 * (3*3*2 + 2*4)
    up = keras.layers.Conv2DTranspose(3, 2, strides=2)
    y = up(x)  # 25 input positions * 2*2*3*4
    dense = keras.layers.Dense(7)
    z = dense(y)  # 10*10 positions * 3*7
    model = keras.Model(inputs, z)
    assert counting.layer_macs(sep) == 25 * (9 * 2 + 2 * 4)
    assert counting.layer_macs(up) == 25 * 2 * 2 * 3 * 4
    assert counting.layer_macs(dense) == 100 * 3 * 7
    assert counting.model_macs(model) == 650 + 1200 + 2100

    seq = keras.Sequential(
        [keras.Input(shape=(10,)), keras.layers.Dense(4), keras.layers.Dense(2)]
    )
    assert counting.model_macs(seq) == 10 * 4 + 4 * 2
    outer_in = keras.Input(shape=(10,))
    outer = keras.Model(outer_in, keras.layers.Dense(3)(seq(outer_in)))
    assert counting.model_macs(outer) == 48 + 2 * 3  # the nested model is counted too


@pytest.mark.parametrize("preset", ["densenet40_k12", "densenet_bc100_k12"])
def test_cifar_densenets_match_the_channel_plan(preset):
    config = dl.densenet_cifar_config(**dl.CIFAR_PRESETS[preset])
    model = dl.build_densenet(config)
    macs = counting.model_macs(model)
    assert macs == dl.channel_plan(config).macs == reference_macs(model)


def test_densenet121_matches_plan_stage_by_stage_and_keras_applications(
    imagenet_models,
):
    plan = dl.channel_plan(dl.imagenet_config(121))
    ours = imagenet_models.ours(121)
    ref = imagenet_models.keras_applications(121)
    assert counting.model_macs(ours) == plan.macs == counting.model_macs(ref)

    stages = counting.stage_summary(ours)
    assert [s.stage for s in stages] == [
        "stem",
        "conv2",
        "pool2",
        "conv3",
        "pool3",
        "conv4",
        "pool4",
        "conv5",
        "head",
    ]
    assert [(s.stage, s.params, s.macs, s.output_shape) for s in stages] == [
        (s.stage, s.params, s.macs, s.output_shape) for s in counting.stage_summary(ref)
    ]
    assert sum(s.params for s in stages) == ours.count_params()
    assert sum(s.macs for s in stages) == plan.macs
    # Each stage equals the plan's rows of the same unit.
    by_stage = {}
    for row in plan.rows:
        key = {"stem": "stem", "head": "head"}.get(row.kind) or (
            f"conv{row.block + 1}"
            if row.kind == "dense_layer"
            else f"pool{row.block + 1}"
        )
        params, macs = by_stage.get(key, (0, 0))
        by_stage[key] = (params + row.params, macs + row.macs)
    assert {s.stage: (s.params, s.macs) for s in stages} == by_stage
    assert stages[-1].output_shape == (1000,)
    # 6 dense layers of BN, ReLU, conv, BN, ReLU, conv, concat.
    assert stages[1].layers == 6 * 7


def test_resnet50_stages_and_independent_count():
    model = keras.applications.ResNet50(weights=None, input_shape=(64, 64, 3))
    stages = counting.stage_summary(model)
    resnet_stages = ["stem", "conv2", "conv3", "conv4", "conv5", "head"]
    assert [s.stage for s in stages] == resnet_stages
    assert sum(s.params for s in stages) == model.count_params()
    assert (
        sum(s.macs for s in stages)
        == counting.model_macs(model)
        == reference_macs(model)
    )
    assert stages[-2].output_shape == (2, 2, 2048)


@pytest.mark.parametrize(
    "name",
    [
        "conv1_conv",
        "pool1",
        "pool1_pad",
        "conv3_block2_1_conv",
        "pool4_conv",
        "predictions",
        "bn",
        "input_layer",
        "conv12_x",
    ],
)
def test_stage_of(name):
    expected = {
        "conv1_conv": "stem",
        "pool1": "stem",
        "pool1_pad": "stem",
        "conv3_block2_1_conv": "conv3",
        "pool4_conv": "pool4",
        "predictions": "head",
        "bn": "head",
        "input_layer": "input",
        "conv12_x": "conv12",
    }
    assert counting.stage_of(name) == expected[name]


def test_bad_input_raises_value_error_naming_the_parameter():
    with pytest.raises(ValueError, match="model"):
        counting.model_macs("densenet")
    with pytest.raises(ValueError, match="model"):
        counting.stage_summary(None)
    with pytest.raises(ValueError, match="layer_name"):
        counting.stage_of(3)
    # Unknown feature-map size.
    free = dl.DenseNet(
        blocks=(1, 1), growth_rate=4, include_top=False, input_shape=(None, None, 3)
    )
    with pytest.raises(ValueError, match="input_shape"):
        counting.model_macs(free)
    # A layer called twice has no single output shape.
    shared = keras.layers.Conv2D(2, 3, padding="same")
    inputs = keras.Input(shape=(4, 4, 2))
    with pytest.raises(ValueError, match="shared"):
        counting.model_macs(keras.Model(inputs, shared(shared(inputs))))
    with pytest.raises(ValueError, match="preset"):
        paper.table2("densenet_bc100_k13")


def test_paper_tables_agree_with_the_library_presets():
    table1 = {d: v for d, v in dl.IMAGENET_VARIANTS.items() if v.in_table1}
    assert {d: v.blocks for d, v in table1.items()} == paper.TABLE1_BLOCKS
    for depth, variant in table1.items():
        assert variant.growth_rate == paper.TABLE1_GROWTH_RATE
        assert variant.init_channels == 2 * paper.TABLE1_GROWTH_RATE  # Sec. 3
        assert (variant.bottleneck, variant.compression) == (True, 0.5)  # BC
        assert dl.imagenet_config(depth).growth_rate == paper.TABLE1_GROWTH_RATE
    rows = [r for r in paper.TABLE1_ROWS if r.kind == "dense_block"]
    assert [r.blocks_index for r in rows] == [0, 1, 2, 3]
    assert {r.preset for r in paper.TABLE2} == set(dl.CIFAR_PRESETS)
    for row in paper.TABLE2:
        preset = dl.CIFAR_PRESETS[row.preset]
        assert (row.depth, row.growth_rate) == (preset["depth"], preset["growth_rate"])
        assert row.label.startswith(
            "DenseNet-BC" if preset["compression"] < 1 else "DenseNet ("
        )
        plan = dl.channel_plan(dl.densenet_cifar_config(**preset))
        assert round(plan.trainable_params / 1e6, 1) == row.params_m, row.preset
    assert set(paper.TABLE2_DATASETS) == {
        "c10",
        "c10_plus",
        "c100",
        "c100_plus",
        "svhn",
    }


def test_resolution_summary_joins_each_transition_to_its_block():
    model = dl.DenseNet(blocks=(1, 1, 1, 1), growth_rate=4, input_shape=(64, 64, 3))
    stages = {s.stage: s for s in counting.stage_summary(model)}
    by_resolution = counting.resolution_summary(model)
    assert list(by_resolution) == ["stem", "conv2", "conv3", "conv4", "conv5", "head"]
    params, macs, shape = by_resolution["conv3"]
    assert params == stages["conv3"].params + stages["pool3"].params
    assert macs == stages["conv3"].macs + stages["pool3"].macs
    # 64 / 8 pixels; channels: stem 2k = 8, conv2 8 + 4, pool2 halves: 6 + 4.
    assert shape == stages["conv3"].output_shape == (8, 8, 6 + 4)
    assert sum(p for p, _, _ in by_resolution.values()) == model.count_params()
    axes = dl.figures.draw_stage_costs({"tiny": model})
    heights = [bar.get_height() * 1e6 for bar in axes[0].patches]
    assert heights == pytest.approx([p for p, _, _ in by_resolution.values()])
    assert axes[0].get_xticklabels()[2].get_text() == "8×8\nconv3"
