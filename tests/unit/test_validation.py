"""Bad input: a ValueError that names the parameter and what is allowed,
raised before any layer is built."""

import dataclasses
import inspect

import keras
import pytest

import densenet_lib as dl
import densenet_lib.densenet as densenet_module
import densenet_lib.residual as residual_module

# Shapes, counts and arithmetic: the same on every Keras backend, so the
# Makefile runs this file on TensorFlow only (pyproject.toml, markers).
pytestmark = pytest.mark.backend_independent


@pytest.fixture(autouse=True)
def no_layer_may_be_built(monkeypatch):
    """Any attempt to start a model (keras.Input) fails the test.

    Errors must come first.
    """

    def forbidden(*args, **kwargs):
        raise AssertionError("a model was started before the input was validated")

    monkeypatch.setattr(densenet_module.keras, "Input", forbidden)
    monkeypatch.setattr(residual_module.keras, "Input", forbidden)


BAD_DENSENET_ARGS = [
    (dict(growth_rate=0), "growth_rate", ">= 1"),
    (dict(growth_rate=-3), "growth_rate", ">= 1"),
    (dict(growth_rate=2.5), "growth_rate", ">= 1"),
    (dict(compression=0), "compression", "(0, 1]"),
    (dict(compression=1.5), "compression", "(0, 1]"),
    (dict(compression=-0.5), "compression", "(0, 1]"),
    (dict(compression="half"), "compression", "(0, 1]"),
    (dict(blocks=()), "blocks", "non-empty"),
    (dict(blocks=[6, 0, 24]), "blocks", ">= 1"),
    (dict(blocks=[6, -1]), "blocks", ">= 1"),
    (dict(blocks=6), "blocks", "list"),
    (dict(stem="resnet"), "stem", "'imagenet', 'cifar'"),
    (dict(include_top=False, pooling="mean"), "pooling", "'avg', 'max'"),
    (dict(dropout_rate=1.0), "dropout_rate", "[0, 1)"),
    (dict(memory_efficient="yes"), "memory_efficient", "True or False"),
    (dict(memory_efficient=1), "memory_efficient", "True or False"),
    (dict(init_channels=0), "init_channels", ">= 1"),
    (dict(classes=0), "classes", ">= 1"),
    (dict(input_shape=(224, 224)), "input_shape", "(height, width, channels)"),
    (dict(input_shape=(16, 16, 3)), "input_shape", "at least 29 pixels"),
    (dict(input_shape=(3, 3, 3), stem="cifar"), "input_shape", "at least 8 pixels"),
    (
        dict(blocks=(2, 2), compression=0.01, growth_rate=1, init_channels=1),
        "compression",
        "0 channels",
    ),
    (
        dict(classifier_activation="no-such-activation"),
        "classifier_activation",
        "activation",
    ),
]


@pytest.mark.parametrize("kwargs,parameter,allowed", BAD_DENSENET_ARGS)
def test_densenet_rejects_bad_input(kwargs, parameter, allowed):
    args = dict(blocks=(6, 12, 24, 16))
    args.update(kwargs)
    with pytest.raises(ValueError) as info:
        dl.DenseNet(**args)
    assert parameter in str(info.value) and allowed in str(info.value)
    # The analytic plan validates the same way.
    if parameter != "classifier_activation":
        with pytest.raises(ValueError, match=parameter):
            dl.channel_plan(**args)


@pytest.mark.parametrize(
    "depth,bottleneck,allowed",
    [
        (41, False, "3n + 4"),
        (101, True, "6n + 4"),
        (4, False, "n >= 1"),
        (102, True, "6n + 4"),
        (0, True, ">= 1"),
    ],
)
def test_cifar_depth_must_fit_the_block_formula(depth, bottleneck, allowed):
    with pytest.raises(ValueError, match="depth") as info:
        dl.DenseNetCIFAR(depth=depth, bottleneck=bottleneck)
    assert allowed in str(info.value)


def test_depth_formula_accepts_the_papers_depths():
    assert dl.depth_to_blocks(40, bottleneck=False) == (12, 12, 12)
    assert dl.depth_to_blocks(100, bottleneck=True) == (16, 16, 16)
    assert dl.depth_to_blocks(250, bottleneck=True) == (41, 41, 41)


@pytest.mark.parametrize(
    "call,parameter",
    [
        (lambda: dl.cifar_preset("densenet-bc"), "preset"),
        (lambda: dl.imagenet_config(122), "depth"),
        (lambda: dl.imagenet_config(depth=150), "depth must be one of [121, 161"),
        (lambda: dl.imagenet_config("121"), "depth"),
        (lambda: dl.DenseNet161(weights="imagenet"), "not DenseNet-161"),
        (lambda: dl.DenseNet161(classes=0), "classes"),
        (lambda: dl.DenseNet121(weights="imagenet", classes=10), "classes=1000"),
        (lambda: dl.DenseNet264(weights="imagenet"), "DenseNet-121/169/201 only"),
        (lambda: dl.DenseNet121(weights="/no/such/file.weights.h5"), "weights"),
        (lambda: dl.ResNetCIFAR(depth=21), "6n + 2"),
        (lambda: dl.ResNetCIFAR(depth=20, classes=0), "classes"),
        (lambda: dl.ResNetCIFAR(depth=20, widths=(16, 32)), "widths"),
    ],
)
def test_other_builders_reject_bad_input(call, parameter):
    with pytest.raises(ValueError) as info:
        call()
    assert parameter in str(info.value)


def test_profile_env_must_be_known(monkeypatch):
    monkeypatch.setenv("DENSENET_PROFILE", "medium")
    with pytest.raises(ValueError, match="DENSENET_PROFILE.*quick.*full"):
        dl.current_profile()


def test_residual_block_identity_needs_matching_shapes(monkeypatch):
    monkeypatch.undo()  # this one builds a real input
    inputs = keras.Input((8, 8, 16))
    with pytest.raises(ValueError, match="shortcut='identity'"):
        dl.residual_block(inputs, 32, "block", shortcut="identity")
    with pytest.raises(ValueError, match="shortcut must be one of"):
        dl.residual_block(inputs, 16, "block", shortcut="dense")


def test_densenet_passes_its_arguments_in_the_config_fields_order():
    """DenseNet() hands its arguments to DenseNetConfig by position."""
    fields = [f.name for f in dataclasses.fields(dl.DenseNetConfig) if f.init]
    assert list(inspect.signature(dl.DenseNet).parameters) == fields


@pytest.mark.parametrize(
    "kwargs", [dict(blocks=[3], growth_rate=10**12), dict(init_channels=10**9)]
)
def test_a_network_beyond_reason_is_refused_before_keras_allocates(kwargs):
    """The channel plan counts the parameters first (no layer may be built)."""
    with pytest.raises(ValueError, match=r"growth_rate=.*parameters, more than"):
        dl.DenseNet(**(dict(blocks=(6, 12, 24, 16)) | kwargs))
