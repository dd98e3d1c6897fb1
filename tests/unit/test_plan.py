"""The analytic channel plan equals the model actually built, for any valid config."""

import keras
import numpy as np
import pytest
from conftest import reference_macs, weight_count
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import densenet_lib as dl

# Shapes, counts and arithmetic: the same on every Keras backend, so the
# Makefile runs this file on TensorFlow only (pyproject.toml, markers).
pytestmark = pytest.mark.backend_independent


def check_plan_against_model(config):
    plan = dl.channel_plan(config)
    model = dl.build_densenet(config)
    for row in plan.rows:
        shape = model.get_layer(row.name).output.shape
        assert shape[-1] == row.channels_out, row
        if len(shape) == 4:
            assert (shape[1], shape[2]) == (row.height, row.width), row
    assert plan.params == model.count_params()
    assert plan.trainable_params == weight_count(model.trainable_weights)
    assert plan.non_trainable_params == weight_count(model.non_trainable_weights)
    if None not in config.input_shape[:2]:
        assert plan.macs == reference_macs(model)
    # Every dense layer is in the plan, once.
    concats = [l.name for l in model.layers if isinstance(l, keras.layers.Concatenate)]
    assert concats == [r.name for r in plan.rows if r.kind == "dense_layer"]
    return plan, model


@st.composite
def configs(draw):
    stem = draw(st.sampled_from(dl.config.STEMS))
    blocks = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    size_min = dl.min_input_size(stem, len(blocks))
    include_top = draw(st.booleans())
    sizes = st.integers(size_min, size_min + 40)
    height = draw(st.one_of(sizes, st.none()) if not include_top else sizes)
    width = draw(sizes) if height is not None else None
    kwargs = dict(
        blocks=tuple(blocks),
        growth_rate=draw(st.integers(1, 12)),
        init_channels=draw(st.one_of(st.none(), st.integers(1, 24))),
        bottleneck=draw(st.booleans()),
        compression=draw(st.sampled_from([1.0, 0.5, 0.29, 0.75, 0.1, 0.999])),
        dropout_rate=draw(st.sampled_from([0.0, 0.2])),
        stem=stem,
        include_top=include_top,
        pooling=draw(st.sampled_from(dl.config.POOLINGS)),
        classes=draw(st.integers(1, 20)),
        input_shape=(height, width, draw(st.integers(1, 4))),
    )
    try:
        return dl.DenseNetConfig(**kwargs)
    except (
        ValueError
    ) as error:  # a compression that leaves no channel: not a valid model
        assert "compression" in str(error)
        reject()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_plan_equals_built_model_for_random_configurations(config):
    keras.backend.clear_session()
    check_plan_against_model(config)


def test_plan_of_densenet121_matches_keras_applications(imagenet_models):
    plan = dl.channel_plan(dl.imagenet_config(121))
    ref = imagenet_models.keras_applications(121)
    assert plan.params == ref.count_params()
    assert plan.trainable_params == weight_count(ref.trainable_weights)
    assert plan.macs == reference_macs(ref)
    # Table 1: 56x56 after the stem, 7x7 in the last block, 1024 final channels.
    assert plan.rows[0].height == 56 and plan.output_channels == 1024
    for row in plan.boundaries():
        assert ref.get_layer(row.name).output.shape[-1] == row.channels_out


def test_channel_rule_inside_a_block():
    # Paper Sec. 3: layer l of a block receives k_0 + k(l - 1) feature maps.
    plan = dl.channel_plan(
        blocks=(5,),
        growth_rate=4,
        init_channels=6,
        bottleneck=False,
        stem="cifar",
        input_shape=(8, 8, 3),
    )
    assert plan.block_input_channels(1) == 6
    assert plan.block(1) == [6 + 4 * l for l in range(1, 6)]


def test_presets_plan_equals_model():
    for kwargs in dl.CIFAR_PRESETS.values():
        if kwargs["depth"] <= 100:
            keras.backend.clear_session()
            check_plan_against_model(dl.densenet_cifar_config(**kwargs))


def test_plan_rejects_mixed_arguments():
    config = dl.imagenet_config(121)
    try:
        dl.channel_plan(config, growth_rate=12)
    except ValueError as error:
        assert "not both" in str(error)
    else:
        raise AssertionError("expected ValueError")


def test_transition_floor_and_spatial_halving():
    inputs = keras.Input((9, 7, 10))
    out = dl.transition_block(inputs, 0.29, "pool2")
    # floor(9 / 2), floor(7 / 2), floor(0.29 * 10) = 2
    assert tuple(out.shape) == (None, 4, 3, 2)
    assert dl.compressed_channels(100, 0.29) == 29  # not 28 from 28.999...


def test_dense_layer_keeps_its_input_channels_unchanged():
    # Concatenation: the first c channels of x_l are x_{l-1} itself.
    inputs = keras.Input((8, 8, 5))
    model = keras.Model(
        inputs, dl.dense_layer(inputs, growth_rate=3, name="conv2_block1")
    )
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 5)).astype("float32")
    y = keras.ops.convert_to_numpy(model(x, training=False))
    assert y.shape == (2, 8, 8, 8)
    np.testing.assert_array_equal(y[..., :5], x)


def test_stem_and_transition_sizes_equal_keras_layers():
    # The reference: Keras' own layers, as keras.applications builds the stem
    # (pad 3, 7x7/2 conv, pad 1, 3x3/2 max pool) and a transition's pool.
    inputs = keras.Input((None, None, 1))
    conv = keras.layers.Conv2D(1, 7, strides=2)(keras.layers.ZeroPadding2D(3)(inputs))
    pool = keras.layers.MaxPooling2D(3, strides=2)(keras.layers.ZeroPadding2D(1)(conv))
    halved = keras.layers.AveragePooling2D(2, strides=2)(inputs)
    model = keras.Model(inputs, [conv, pool, halved])
    for size in list(range(2, 40)) + [223, 224, 225]:
        specs = model.compute_output_spec(keras.KerasTensor((1, size, size, 1)))
        conv_size, stem_size, halved_size = (spec.shape[1] for spec in specs)
        assert dl.config.spatial_after_stem_conv(size, "imagenet") == conv_size
        assert dl.config.spatial_after_stem(size, "imagenet") == stem_size
        assert dl.config.spatial_after_transition(size) == halved_size
        assert dl.config.spatial_after_stem(size, "cifar") == size
    assert dl.config.spatial_after_stem_conv(224, "imagenet") == 112  # Table 1
    assert dl.config.spatial_after_stem(None, "imagenet") is None
