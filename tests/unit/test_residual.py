"""Residual blocks add their input back; the plain twin does not."""

import keras
import numpy as np
import pytest
from conftest import random_images, weight_count

import densenet_lib as dl


def zero_convs(model):
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D) and not layer.name.endswith(
            "_0_conv"
        ):
            layer.kernel.assign(np.zeros(layer.kernel.shape, "float32"))


@pytest.mark.parametrize("preactivation", [True, False])
def test_identity_block_computes_f_of_x_plus_x(preactivation):
    # With F's convolutions zeroed, F(x) = 0 and the block returns x (with
    # post-activation: relu(x)).
    inputs = keras.Input((8, 8, 4))
    model = keras.Model(
        inputs, dl.residual_block(inputs, 4, "b", preactivation=preactivation)
    )
    zero_convs(model)
    x = random_images(2, 8, 8, 4)
    y = keras.ops.convert_to_numpy(model(x, training=False))
    np.testing.assert_allclose(y, x if preactivation else np.maximum(x, 0), atol=1e-6)


def test_plain_block_has_no_shortcut():
    inputs = keras.Input((8, 8, 4))
    model = keras.Model(inputs, dl.residual_block(inputs, 4, "b", shortcut=None))
    zero_convs(model)
    y = keras.ops.convert_to_numpy(model(random_images(2, 8, 8, 4), training=False))
    np.testing.assert_allclose(y, 0, atol=1e-6)


def test_projection_shortcut_changes_shape():
    inputs = keras.Input((8, 8, 4))
    out = dl.residual_block(inputs, 16, "b", stride=2)  # "auto" picks a projection
    assert tuple(out.shape) == (None, 4, 4, 16)


def analytic_resnet_params(
    n, widths=(16, 32, 64), classes=10, preactivation=True, plain=False
):
    """Every weight of the 6n + 2 CIFAR ResNet (He et al. 2016, Sec. 4.2), by hand."""
    total = 9 * 3 * widths[0] + (0 if preactivation else 4 * widths[0])
    c = widths[0]
    for w in widths:
        for _ in range(n):
            total += 9 * c * w + 9 * w * w + 2 * 4 * w  # two convs, two BNs
            if preactivation:  # the first BN sits on the block's input (c channels)
                total += 4 * c - 4 * w
            if c != w and not plain:
                total += c * w  # 1x1 projection
            c = w
    if preactivation:
        total += 4 * c
    return total + c * classes + classes


@pytest.mark.parametrize("depth", [8, 20, 56])
@pytest.mark.parametrize("plain", [False, True])
@pytest.mark.parametrize("preactivation", [True, False])
def test_resnet_parameter_count_is_the_analytic_one(depth, plain, preactivation):
    model = dl.ResNetCIFAR(depth, plain=plain, preactivation=preactivation)
    n = (depth - 2) // 6
    assert model.count_params() == analytic_resnet_params(
        n, plain=plain, preactivation=preactivation
    )
    adds = sum(isinstance(l, keras.layers.Add) for l in model.layers)
    assert adds == (0 if plain else 3 * n)
    convs = sum(
        isinstance(l, keras.layers.Conv2D) and not l.name.endswith("_0_conv")
        for l in model.layers
    )
    assert convs + 1 == depth  # 6n + 2 = convs on the main path + classifier
    assert model.output_shape == (None, 10)


def test_resnet20_is_about_027m_parameters():
    # He et al. 2016, Table 6: ResNet-20 has 0.27M parameters.
    model = dl.ResNetCIFAR(20)
    assert round(weight_count(model.trainable_weights) / 1e6, 2) == 0.27


def test_resnet_cifar_params_walks_6n_plus_2_until_it_passes_the_target():
    counts = dl.residual.resnet_cifar_params(up_to=300_000)
    assert list(counts) == [8, 14, 20, 26]
    assert counts[20] < 300_000 <= counts[26]
    # Depth + 6 adds one pre-activation block per stage (widths 16, 32, 64):
    # two 3x3 kernels and two BNs (4 numbers per channel) each.
    per_step = sum(2 * (9 * w * w + 4 * w) for w in (16, 32, 64))
    assert {
        b - a for a, b in zip(list(counts.values()), list(counts.values())[1:])
    } == {per_step}


def test_resnet_cifar_params_refuses_an_unreachable_target():
    with pytest.raises(ValueError, match="max_depth"):
        dl.residual.resnet_cifar_params(up_to=10**9, max_depth=20)
