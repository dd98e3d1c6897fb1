"""The shared layers: keras.applications' batch normalization, and a float32
classifier under mixed precision (Keras' mixed-precision advice)."""

import keras
import pytest

import densenet_lib as dl
from densenet_lib import layers_common


@pytest.fixture
def mixed_precision():
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    yield
    keras.config.set_dtype_policy(before)


@pytest.mark.parametrize(
    "build",
    [
        lambda: dl.DenseNet(blocks=(1, 1), growth_rate=4, stem="cifar", classes=3),
        lambda: dl.ResNetCIFAR(8, classes=3),
    ],
    ids=["densenet", "resnet"],
)
def test_classifier_is_float32_under_mixed_precision(mixed_precision, build):
    model = build()
    assert model.get_layer("predictions").compute_dtype == "float32"
    assert model.get_layer("conv1_conv").compute_dtype == "float16"
    assert model.output.dtype == "float32"


def test_classifier_follows_the_global_policy_otherwise():
    assert layers_common.classifier_dtype() is None
    model = dl.ResNetCIFAR(8, classes=3)
    assert model.get_layer("predictions").compute_dtype == "float32"


def test_bn_relu_names_and_shapes():
    inputs = keras.Input((4, 4, 6))
    out = layers_common.bn_relu(inputs, "pool2_")
    model = keras.Model(inputs, out)
    assert [layer.name for layer in model.layers[1:]] == ["pool2_bn", "pool2_relu"]
    assert tuple(out.shape) == (None, 4, 4, 6)
