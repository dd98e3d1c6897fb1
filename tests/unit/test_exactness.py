"""Our DenseNet-121/169/201 *are* keras.applications' (names, parameters,
outputs), DenseNet-121/161/169/201 have torchvision's parameter counts, and the
CIFAR presets have the paper's Table 2 parameter counts."""

import keras
import numpy as np
import pytest
from conftest import random_images, weight_count

import densenet_lib as dl

REFERENCES = {
    121: (dl.DenseNet121, keras.applications.DenseNet121),
    169: (dl.DenseNet169, keras.applications.DenseNet169),
    201: (dl.DenseNet201, keras.applications.DenseNet201),
}


def named_layers(model):
    # keras.applications leaves its two ZeroPadding2D layers unnamed; they hold no
    # weights.
    return {
        l.name for l in model.layers if not isinstance(l, keras.layers.ZeroPadding2D)
    }


# Counts and names: the same on every backend (not run again on JAX).
@pytest.mark.backend_independent
def test_densenet121_has_the_published_parameter_counts(imagenet_models):
    # keras.applications.DenseNet121(weights=None): 8,062,504 total, 7,978,856
    # trainable.
    model = imagenet_models.ours(121)
    assert model.count_params() == 8_062_504
    assert weight_count(model.trainable_weights) == 7_978_856


# torchvision.models' published num_params (the meta of its DenseNet weight
# enums, e.g. DenseNet161_Weights.IMAGENET1K_V1). PyTorch keeps BN's moving
# statistics as buffers, so this is the trainable count.
TORCHVISION_NUM_PARAMS = {
    121: 7_978_856,
    161: 28_681_000,
    169: 14_149_480,
    201: 20_013_928,
}


# Counts and names: the same on every backend (not run again on JAX).
@pytest.mark.backend_independent
@pytest.mark.parametrize("depth", sorted(TORCHVISION_NUM_PARAMS))
def test_trainable_parameters_are_torchvisions_num_params(depth, imagenet_models):
    model = imagenet_models.ours(depth)
    assert weight_count(model.trainable_weights) == TORCHVISION_NUM_PARAMS[depth]
    variant = dl.IMAGENET_VARIANTS[depth]
    assert variant.torchvision_num_params == TORCHVISION_NUM_PARAMS[depth]
    assert model.name == f"densenet{depth}"


# Counts and names: the same on every backend (not run again on JAX).
@pytest.mark.backend_independent
@pytest.mark.parametrize("depth", [121, 169, 201])
def test_same_layer_names_and_parameters_as_keras_applications(depth, imagenet_models):
    ours = imagenet_models.ours(depth)
    ref = imagenet_models.keras_applications(depth)
    assert named_layers(ours) == named_layers(ref)
    assert ours.count_params() == ref.count_params()
    for layer in ref.layers:
        if layer.weights:
            mine = ours.get_layer(layer.name)
            assert [tuple(w.shape) for w in mine.weights] == [
                tuple(w.shape) for w in layer.weights
            ]
            assert type(mine) is type(layer)
            if isinstance(layer, keras.layers.BatchNormalization):
                # The channel axis: keras.applications writes 3, we write -1.
                assert mine.axis % 4 == layer.axis % 4
                assert (mine.epsilon, mine.momentum) == (layer.epsilon, layer.momentum)


# On JAX DenseNet-121 alone: 169 and 201 are built from the same layers and
# differ from it only in their block lengths, which TensorFlow's run checks.
ONLY_ON_TF = pytest.mark.backend_independent


@pytest.mark.parametrize(
    "depth,size",
    [
        (121, 224),
        pytest.param(169, 64, marks=ONLY_ON_TF),
        pytest.param(201, 64, marks=ONLY_ON_TF),
    ],
)
def test_copied_weights_give_the_same_outputs(depth, size):
    ours_fn, ref_fn = REFERENCES[depth]
    kwargs = dict(input_shape=(size, size, 3), classifier_activation=None)
    ref = ref_fn(weights=None, **kwargs)
    # Non-trivial BN statistics, so a mismatched BN layer would show.
    for layer in ref.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            n = layer.moving_mean.shape[0]
            rng = np.random.default_rng(len(layer.name))
            layer.moving_mean.assign(rng.normal(0, 0.1, n).astype("float32"))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, n).astype("float32"))
    ours = ours_fn(**kwargs)
    assert dl.transfer_weights(ref, ours) == sum(1 for l in ref.layers if l.weights)
    x = random_images(2, size, size)
    expected = keras.ops.convert_to_numpy(ref(x, training=False))
    actual = keras.ops.convert_to_numpy(ours(x, training=False))
    assert np.abs(expected).max() > 1e-2  # the comparison is not between zeros
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-5)


@pytest.mark.backend_independent  # shapes and names only
def test_feature_extractor_matches_keras_applications():
    ours = dl.DenseNet121(include_top=False, pooling="max", input_shape=(96, 96, 3))
    ref = keras.applications.DenseNet121(
        weights=None, include_top=False, pooling="max", input_shape=(96, 96, 3)
    )
    assert ours.output_shape == ref.output_shape == (None, 1024)
    assert named_layers(ours) == named_layers(ref)


# Huang et al. 2017, Table 2: parameters of the CIFAR models (10 classes).
PAPER_TABLE2_PARAMS_M = {
    "densenet40_k12": 1.0,
    "densenet100_k12": 7.0,
    "densenet100_k24": 27.2,
    "densenet_bc100_k12": 0.8,
    "densenet_bc250_k24": 15.3,
    "densenet_bc190_k40": 25.6,
}


# Counts and names: the same on every backend (not run again on JAX).
@pytest.mark.backend_independent
@pytest.mark.parametrize("preset", sorted(PAPER_TABLE2_PARAMS_M))
def test_cifar_presets_have_the_papers_parameter_counts(preset):
    model = dl.cifar_preset(preset)
    trainable = weight_count(model.trainable_weights)
    assert round(trainable / 1e6, 1) == PAPER_TABLE2_PARAMS_M[preset]
    assert model.output_shape == (None, 10)


# Counts and names: the same on every backend (not run again on JAX).
@pytest.mark.backend_independent
@pytest.mark.parametrize(
    "preset,depth", [("densenet40_k12", 40), ("densenet_bc100_k12", 100)]
)
def test_cifar_presets_have_the_papers_depth(preset, depth):
    config = dl.densenet_cifar_config(**dl.CIFAR_PRESETS[preset])
    assert config.num_layers == depth
    model = dl.build_densenet(config)
    # Weighted layers on the main path: every conv but none of the BNs, plus the
    # classifier.
    convs = sum(isinstance(l, keras.layers.Conv2D) for l in model.layers)
    assert convs + 1 == depth


# Counts and names: the same on every backend (not run again on JAX).
@pytest.mark.backend_independent
def test_imagenet_depths_count_as_the_paper_names_them():
    for depth in (121, 161, 169, 201):
        assert dl.imagenet_config(depth).num_layers == depth
    # Table 1's "DenseNet-264" blocks (6, 12, 64, 48) count 1 + 2*130 + 3 + 1 = 265
    # layers: a known off-by-one in the paper's name, kept for compatibility.
    assert dl.imagenet_config(264).num_layers == 265
