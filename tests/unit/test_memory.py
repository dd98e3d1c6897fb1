"""Feature-map memory: counted on built models, and by arithmetic for a Dense Block."""

import dataclasses

import keras
import pytest

import densenet_lib as dl
from densenet_lib import memory

# Shapes, counts and arithmetic: the same on every Keras backend, so the
# Makefile runs this file on TensorFlow only (pyproject.toml, markers).
pytestmark = pytest.mark.backend_independent


def built_dense_block(num_layers, k, k0, size=8, bottleneck=False):
    inputs = keras.Input((size, size, k0))
    return keras.Model(
        inputs, dl.dense_block(inputs, num_layers, k, "conv2", bottleneck=bottleneck)
    )


def test_counts_every_layer_output_but_the_input():
    inputs = keras.Input((6, 5, 3))
    x = keras.layers.Conv2D(4, 3, padding="same", name="conv")(inputs)
    x = keras.layers.Activation("relu", name="relu")(x)
    y = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    model = keras.Model(inputs, y)
    assert memory.layer_output_elements(model) == {
        "conv": 6 * 5 * 4,
        "relu": 6 * 5 * 4,
        "gap": 4,
    }
    assert memory.feature_map_elements(model) == 2 * 120 + 4


@pytest.mark.parametrize("bottleneck", [False, True])
@pytest.mark.parametrize("num_layers,k,k0", [(1, 4, 8), (5, 4, 8), (6, 12, 24)])
def test_analytic_count_matches_the_built_block(num_layers, k, k0, bottleneck):
    model = built_dense_block(num_layers, k, k0, bottleneck=bottleneck)
    analytic = memory.dense_block_elements(
        num_layers, k, k0, 8, 8, bottleneck=bottleneck
    )
    assert memory.feature_map_elements(model) == analytic
    # The concatenations alone: the outputs of the layers named *_concat.
    concats = sum(
        v
        for name, v in memory.layer_output_elements(model).items()
        if name.endswith("_concat")
    )
    assert concats == memory.dense_block_elements(
        num_layers, k, k0, 8, 8, count="concatenations"
    )


def test_concatenations_grow_quadratically_and_the_persistent_maps_linearly():
    concat = [
        memory.dense_block_elements(L, 12, 24, count="concatenations")
        for L in (1, 2, 3, 4)
    ]
    # Second differences of a quadratic a L^2 + b L are constant: 2a = k.
    assert [concat[i + 2] - 2 * concat[i + 1] + concat[i] for i in range(2)] == [12, 12]
    shared = [
        memory.dense_block_elements(L, 12, 24, count="persistent") for L in (1, 2, 3)
    ]
    assert shared == [36, 48, 60]
    assert memory.dense_block_elements(3, 12, 24, 2, 5, count="persistent") == 60 * 10


def test_residual_block_outputs():
    inputs = keras.Input((8, 8, 16))
    model = keras.Model(inputs, dl.residual_block(inputs, 16, "b"))
    # BN, ReLU, Conv, BN, ReLU, Conv, Add: seven 8x8x16 tensors.
    assert memory.feature_map_elements(model) == 7 * 8 * 8 * 16


def test_bad_input_names_the_parameter():
    for kwargs, name in [
        (dict(num_layers=0, growth_rate=4, init_channels=8), "num_layers"),
        (dict(num_layers=2, growth_rate=1.5, init_channels=8), "growth_rate"),
        (dict(num_layers=2, growth_rate=4, init_channels=-1), "init_channels"),
        (dict(num_layers=2, growth_rate=4, init_channels=8, height=0), "height"),
        (dict(num_layers=2, growth_rate=4, init_channels=8, count="peak"), "count"),
        (
            dict(num_layers=2, growth_rate=4, init_channels=8, bottleneck="yes"),
            "bottleneck",
        ),
    ]:
        with pytest.raises(ValueError, match=name):
            memory.dense_block_elements(**kwargs)
    with pytest.raises(ValueError, match="model"):
        memory.feature_map_elements("not a model")
    inputs = keras.Input((None, None, 3))
    unsized = keras.Model(inputs, keras.layers.Conv2D(2, 3)(inputs))
    with pytest.raises(ValueError, match="fixed input size"):
        memory.feature_map_elements(unsized)


def test_residual_block_layers_follow_the_library():
    from densenet_lib import figures

    pre = figures.residual_block_layers(preactivation=True, shortcut="projection")
    assert pre["main"] == ["BatchNormalization", "Activation", "Conv2D"] * 2
    assert pre["shortcut"] == ["Conv2D"] and pre["after"] == []
    post = figures.residual_block_layers(preactivation=False)
    assert post["main"] == [
        "Conv2D",
        "BatchNormalization",
        "Activation",
        "Conv2D",
        "BatchNormalization",
    ]
    assert post["shortcut"] == [] and post["after"] == ["Activation"]
    with pytest.raises(ValueError, match="shortcut"):
        figures.residual_block_layers(shortcut="zero-pad")


def test_built_block_count_is_the_analytic_count():
    assert memory.built_dense_block_elements(5, 4, 8, 8) == (
        memory.dense_block_elements(5, 4, 8, 8, 8)
    )


def test_dense_block_against_residual_stack_by_analytic_counts():
    L, k, k0, size = 4, 3, 5, 6
    stats = memory.dense_block_vs_residual_stack(L, k, k0, size)
    plan = dl.channel_plan(
        blocks=(L,), growth_rate=k, init_channels=k0, bottleneck=False, stem="cifar"
    )
    dense_params = sum(r.params for r in plan.rows if r.kind == "dense_layer")
    elements = memory.dense_block_elements(L, k, k0, size, size)
    assert stats["dense block"] == (dense_params, elements)
    # Pre-activation residual blocks of width w: BN (4 numbers per channel)
    # and a 3x3 kernel, twice; the first block also a 1x1 projection k0 -> w.
    w = k0 + k * L
    first = 4 * k0 + 9 * k0 * w + 4 * w + 9 * w * w + k0 * w
    later = (L // 2 - 1) * (2 * (4 * w + 9 * w * w))
    assert stats["residual stack"][0] == first + later


def test_dense_block_against_residual_stack_needs_an_even_depth():
    with pytest.raises(ValueError, match="num_layers must be even"):
        memory.dense_block_vs_residual_stack(3, 4, 8, 8)


# --- The whole network, naive and memory-efficient -----------------------------

SMALL_NETWORKS = [
    dict(blocks=(2, 3), growth_rate=4, stem="cifar", bottleneck=False),
    dict(blocks=(2, 3), growth_rate=4, stem="cifar", input_shape=(8, 8, 3)),
    dict(blocks=(2, 1, 2), growth_rate=3, compression=1.0, input_shape=(35, 33, 3)),
    dict(blocks=(1, 2), growth_rate=5, bottleneck=False, input_shape=(30, 29, 1)),
    dict(
        blocks=(2, 2),
        growth_rate=3,
        stem="cifar",
        input_shape=(9, 7, 2),
        include_top=False,
        pooling="max",
        dropout_rate=0.2,
    ),
    dict(blocks=(2,), growth_rate=2, include_top=False, input_shape=(16, 16, 3)),
]


@pytest.mark.parametrize("kwargs", SMALL_NETWORKS)
def test_network_count_is_every_layer_output_of_the_built_model(kwargs):
    config = dl.DenseNetConfig(classes=5, **kwargs)
    plan = dl.channel_plan(config)
    for efficient in (False, True):
        built_config = dataclasses.replace(config, memory_efficient=efficient)
        built = memory.feature_map_elements(dl.build_densenet(built_config))
        assert memory.network_elements(plan, efficient) == built, efficient
        # memory_efficient=None: the config's own.
        assert memory.network_elements(built_config) == built, efficient


def test_scale_and_shift_vectors_count_nothing_per_example():
    inputs = keras.Input((4, 4, 6))
    out = dl.dense_block(inputs, 2, 3, "conv2", bottleneck=False, memory_efficient=True)
    counts = memory.layer_output_elements(keras.Model(inputs, out))
    assert counts["conv2_block1_0_bn"] == counts["conv2_block2_0_bn"] == 0
    assert counts["conv2_block2_2_conv"] == 4 * 4 * 3
    assert "conv2_block1_concat" not in counts  # one concatenation, at the end
    assert counts["conv2_block2_concat"] == 4 * 4 * (6 + 2 * 3)


@pytest.mark.parametrize("bottleneck", [False, True])
def test_memory_efficient_count_is_linear_in_layers_and_naive_quadratic(bottleneck):
    k, size = 6, 5

    def elements(layers, efficient):
        config = dl.DenseNetConfig(
            blocks=(layers, layers),
            growth_rate=k,
            bottleneck=bottleneck,
            stem="cifar",
            input_shape=(size, size, 3),
        )
        return memory.network_elements(config, efficient)

    for efficient in (False, True):
        counts = [elements(layers, efficient) for layers in (4, 5, 6, 7)]
        second = {counts[i + 2] - 2 * counts[i + 1] + counts[i] for i in range(2)}
        # Naive: each dense layer's BN, ReLU and concatenation of c_l channels,
        # sums of an arithmetic series: a constant, positive second difference.
        # Memory-efficient: a constant count per layer, second difference 0.
        assert len(second) == 1
        assert (second.pop() > 0) == (not efficient)
    for layers in (1, 4, 7):
        assert elements(layers, True) < elements(layers, False)


def test_network_count_bad_input_names_the_parameter():
    config = dl.DenseNetConfig(blocks=(2,), growth_rate=4, stem="cifar")
    with pytest.raises(ValueError, match="memory_efficient"):
        memory.network_elements(config, memory_efficient="yes")
    with pytest.raises(ValueError, match="plan"):
        memory.network_elements({"blocks": (2,)})
    unsized = dataclasses.replace(config, include_top=False, input_shape=(None, 8, 3))
    with pytest.raises(ValueError, match="input_shape"):
        memory.network_elements(unsized)
    with pytest.raises(ValueError, match="dropout"):
        memory.dense_block_elements(2, 4, 8, dropout=0.2)
