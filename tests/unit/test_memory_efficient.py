"""memory_efficient=True (Pleiss et al. 2017) computes exactly what the naive
DenseNet computes: same layers and weights, same loss and gradients, same
weights and BN moving statistics after training, the statistics updated once
per step. Run on TensorFlow and on JAX (the Makefile runs tests/unit on both),
and on PyTorch where it is installed (tools/gpu_check.py)."""

import keras
import numpy as np
import pytest

import densenet_lib as dl
from densenet_lib.memory_efficient import BatchNormScaleShift, FusedBNReLUConv

SMALL = dict(
    blocks=(3, 3), growth_rate=4, stem="cifar", input_shape=(8, 8, 3), classes=5
)
RTOL = 1e-5


def numpy(tensor) -> np.ndarray:
    """A model's output as NumPy on every backend (PyTorch's need detaching)."""
    return keras.ops.convert_to_numpy(tensor)


def small_pair(bottleneck, seed=0):
    """A naive and a memory-efficient small DenseNet with the same random
    weights (BN's γ, β and moving statistics random too)."""
    naive = dl.DenseNet(**SMALL, bottleneck=bottleneck)
    efficient = dl.DenseNet(**SMALL, bottleneck=bottleneck, memory_efficient=True)
    rng = np.random.default_rng(seed)
    for layer in naive.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            c = layer.gamma.shape
            layer.set_weights(
                [
                    rng.uniform(0.5, 1.5, c),
                    rng.normal(0, 0.2, c),
                    rng.normal(0, 0.2, c),
                    rng.uniform(0.5, 1.5, c),
                ]
            )
    efficient.set_weights(naive.get_weights())
    return naive, efficient


def batch(seed=0, size=8):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(size, *SMALL["input_shape"])).astype("float32")
    return x, rng.integers(0, SMALL["classes"], size)


def assert_weights_close(a, b, rtol=RTOL):
    assert [w.path for w in a.weights] == [w.path for w in b.weights]
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_allclose(
            np.asarray(wb), np.asarray(wa), rtol=rtol, atol=1e-7, err_msg=wa.path
        )


def loss_and_gradients(model, x, y):
    """The training-mode loss and d loss / d every trainable variable."""
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    if keras.backend.backend() == "jax":
        import jax

        trainable = [v.value for v in model.trainable_variables]
        frozen = [v.value for v in model.non_trainable_variables]

        def loss(trainable):
            out, _ = model.stateless_call(trainable, frozen, x, training=True)
            return loss_fn(y, out)

        value, grads = jax.jit(jax.value_and_grad(loss))(trainable)
        return float(value), [np.asarray(g) for g in grads]
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            value = loss_fn(y, model(x, training=True))
        grads = tape.gradient(value, model.trainable_variables)
        return float(value), [np.asarray(g) for g in grads]
    pytest.skip(f"no gradient helper for {keras.backend.backend()}")


@pytest.mark.parametrize("bottleneck", [True, False])
def test_same_weighted_layers_weights_and_outputs(bottleneck):
    naive, efficient = small_pair(bottleneck)
    weighted = [[(layer.name, [w.shape for w in layer.weights]) for layer in m.layers
                 if layer.weights] for m in (naive, efficient)]  # fmt: skip
    assert weighted[0] == weighted[1]
    kinds = {type(layer) for layer in efficient.layers}
    assert {BatchNormScaleShift, FusedBNReLUConv} <= kinds
    assert efficient.count_params() == naive.count_params()
    x, _ = batch()
    np.testing.assert_allclose(
        numpy(efficient(x)), numpy(naive(x)), rtol=RTOL, atol=1e-7
    )


@pytest.mark.parametrize("bottleneck", [True, False])
def test_loss_and_every_gradient_equal(bottleneck):
    naive, efficient = small_pair(bottleneck)
    x, y = batch()
    loss_naive, grads_naive = loss_and_gradients(naive, x, y)
    loss_efficient, grads_efficient = loss_and_gradients(efficient, x, y)
    np.testing.assert_allclose(loss_efficient, loss_naive, rtol=RTOL)
    assert len(grads_efficient) == len(grads_naive) == len(naive.trainable_variables)
    for variable, gn, ge in zip(
        naive.trainable_variables, grads_naive, grads_efficient
    ):
        np.testing.assert_allclose(ge, gn, rtol=RTOL, atol=1e-7, err_msg=variable.path)


def compiled(model):
    model.compile(
        optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
        loss="sparse_categorical_crossentropy",
    )
    return model


@pytest.mark.parametrize("bottleneck", [True, False])
def test_five_momentum_sgd_steps_give_the_same_weights_and_statistics(bottleneck):
    models = small_pair(bottleneck)
    for model in models:
        compiled(model)
        for step in range(5):
            model.train_on_batch(*batch(seed=step))
    assert_weights_close(*models)  # moving means and variances included


def test_moving_statistics_are_updated_exactly_once_per_step():
    """After one step, every BN's moving mean and variance is one momentum
    update ``m · old + (1 - m) · batch`` (two updates would give
    ``m² · old + (1 - m²) · batch``), with the batch moments of its input."""
    naive, efficient = small_pair(bottleneck=True)
    momentum = 0.9
    bns = [layer for layer in naive.layers
           if isinstance(layer, keras.layers.BatchNormalization)]  # fmt: skip
    before = {bn.name: [np.asarray(w) for w in bn.weights[2:]] for bn in bns}
    # The inputs of every BN in the training-mode forward pass (the naive
    # model's, which has one tensor per input).
    probe = keras.Model(naive.input, [bn.input for bn in bns])
    x, y = batch()
    inputs = [numpy(t).astype("float64") for t in probe(x, training=True)]
    for layer in efficient.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = momentum
    efficient.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    efficient.train_on_batch(x, keras.ops.one_hot(y, SMALL["classes"]))
    for bn, features in zip(bns, inputs):
        old_mean, old_variance = before[bn.name]
        expected_mean = momentum * old_mean + (1 - momentum) * features.mean((0, 1, 2))
        expected_variance = momentum * old_variance + (1 - momentum) * features.var(
            (0, 1, 2)
        )
        layer = efficient.get_layer(bn.name)
        np.testing.assert_allclose(
            layer.moving_mean, expected_mean, rtol=RTOL, atol=1e-6, err_msg=bn.name
        )
        np.testing.assert_allclose(
            layer.moving_variance, expected_variance, rtol=RTOL, err_msg=bn.name
        )


@pytest.mark.parametrize("bottleneck", [True, False])
def test_transfer_weights_both_ways(bottleneck):
    naive, efficient = small_pair(bottleneck)
    fresh_efficient = dl.DenseNet(**SMALL, bottleneck=bottleneck, memory_efficient=True)
    fresh_naive = dl.DenseNet(**SMALL, bottleneck=bottleneck)
    layers = dl.transfer_weights(naive, fresh_efficient)
    assert layers == dl.transfer_weights(efficient, fresh_naive) > 0
    assert_weights_close(naive, fresh_efficient, rtol=0)
    assert_weights_close(efficient, fresh_naive, rtol=0)


def test_save_and_load_round_trips(tmp_path):
    naive, efficient = small_pair(bottleneck=True)
    x, _ = batch()
    efficient.save(tmp_path / "efficient.keras")
    loaded = keras.models.load_model(tmp_path / "efficient.keras")
    assert isinstance(loaded.get_layer("conv2_block1_0_bn"), BatchNormScaleShift)
    assert isinstance(loaded.get_layer("conv2_block1_1_conv"), FusedBNReLUConv)
    assert_weights_close(efficient, loaded, rtol=0)
    np.testing.assert_allclose(
        numpy(loaded(x)), numpy(efficient(x)), rtol=RTOL, atol=1e-7
    )
    # .weights.h5 files move between the naive and the efficient model.
    naive.save_weights(tmp_path / "naive.weights.h5")
    fresh = dl.DenseNet(**SMALL, memory_efficient=True)
    fresh.load_weights(tmp_path / "naive.weights.h5")
    assert_weights_close(naive, fresh, rtol=0)
    fresh.save_weights(tmp_path / "efficient.weights.h5")
    fresh_naive = dl.DenseNet(**SMALL)
    fresh_naive.load_weights(tmp_path / "efficient.weights.h5")
    assert_weights_close(naive, fresh_naive, rtol=0)


@pytest.mark.parametrize(
    "build",
    [
        lambda bad: dl.DenseNet(**SMALL, memory_efficient=bad),
        lambda bad: dl.DenseNetCIFAR(depth=40, memory_efficient=bad),
        lambda bad: dl.densenet_cifar_config(memory_efficient=bad),
        lambda bad: dl.cifar_preset("densenet40_k12", memory_efficient=bad),
        lambda bad: dl.DenseNet121(memory_efficient=bad),
        lambda bad: dl.dense_block(keras.Input((8, 8, 4)), 2, 4, "b", True, 0.0, bad),
        lambda bad: dl.dense_layer(
            keras.Input((8, 8, 4)), 4, "b", memory_efficient=bad
        ),
    ],
)
@pytest.mark.parametrize("bad", ["yes", 1, None])
@pytest.mark.backend_independent  # refused before anything is built
def test_bad_memory_efficient_is_a_value_error_naming_it(build, bad):
    with pytest.raises(ValueError, match="memory_efficient must be True or False"):
        build(bad)


@pytest.mark.backend_independent
def test_presets_pass_memory_efficient_on():
    assert dl.imagenet_config(121, memory_efficient=True).memory_efficient
    assert dl.densenet_cifar_config(40, memory_efficient=True).memory_efficient
    assert not dl.imagenet_config(121).memory_efficient


@pytest.fixture
def mixed_precision():
    yield
    keras.mixed_precision.set_global_policy("float32")


def test_library_fit_with_mixed_precision(mixed_precision):
    """training.fit in mixed float16 (float32 classifier). ``accelerate=True``
    would set the same policy and add XLA, which takes a minute to compile on
    a CPU."""
    x, y = batch(size=16)
    data = dl.data.ImageData("tiny", x, y, x[:8], y[:8], SMALL["classes"], "tiny")
    recipe = dl.training.Recipe(epochs=1, batch_size=8, augment=False)

    tiny = {**SMALL, "blocks": (2, 2)}

    def build(dropout_rate):
        return dl.DenseNet(**tiny, dropout_rate=dropout_rate, memory_efficient=True)

    keras.mixed_precision.set_global_policy("mixed_float16")
    model, history = dl.training.fit(build, data, recipe, accelerate=False, verbose=0)
    assert model.get_layer("conv2_block1_1_conv").compute_dtype == "float16"
    assert model.get_layer("predictions").compute_dtype == "float32"
    assert model.get_layer("conv2_block2_0_bn").momentum == recipe.bn_momentum
    assert np.isfinite(history.history["loss"]).all()
    # Moving statistics moved, and stayed finite.
    variance = np.asarray(model.get_layer("conv2_block2_0_bn").moving_variance)
    assert np.isfinite(variance).all() and not np.allclose(variance, 1.0)
    keras.mixed_precision.set_global_policy("float32")
    naive = dl.DenseNet(**tiny)  # same function in float32; float16's tolerance
    dl.transfer_weights(model, naive)
    np.testing.assert_allclose(model.predict(x, verbose=0), numpy(naive(x)), atol=2e-2)


def stored_feature_map_elements(model) -> int:
    """Elements of the 4-d tensors JAX's autodiff keeps for the backward pass
    of one training-mode loss (inputs and variables left out)."""
    from jax._src.ad_checkpoint import saved_residuals

    x, y = batch(size=2)
    trainable = [v.value for v in model.trainable_variables]
    frozen = [v.value for v in model.non_trainable_variables]

    def loss(trainable):
        out, _ = model.stateless_call(trainable, frozen, x, training=True)
        return keras.losses.sparse_categorical_crossentropy(y, out).mean()

    return sum(
        int(np.prod(array.shape))
        for array, why in saved_residuals(loss, trainable)
        if len(array.shape) == 4 and "argument" not in why
    )


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="reads JAX's residuals")
@pytest.mark.parametrize("bottleneck", [True, False])
def test_stored_feature_maps_grow_linearly_with_the_block_depth(bottleneck):
    """Pleiss et al.'s point: the naive block stores O(L²) feature-map
    elements, the memory-efficient one O(L) (second difference 0)."""
    for memory_efficient, quadratic in ((False, True), (True, False)):
        stored = [
            stored_feature_map_elements(
                dl.DenseNet(
                    **{**SMALL, "blocks": (depth,)},
                    bottleneck=bottleneck,
                    memory_efficient=memory_efficient,
                )
            )
            for depth in (2, 4, 6)
        ]
        second_difference = stored[2] - 2 * stored[1] + stored[0]
        assert (second_difference > 0) == quadratic, (memory_efficient, stored)


@pytest.mark.skipif(
    keras.backend.backend() == "jax",
    reason="two DenseNet-121s take ~100 s to build and run on JAX on a CPU; "
    "names and weights do not depend on the backend",
)
def test_keras_applications_weights_load_unchanged(imagenet_models):
    """DenseNet121(memory_efficient=True) takes keras.applications' weights by
    layer name and computes keras.applications' function."""
    reference = imagenet_models.keras_applications(121)
    efficient = dl.DenseNet121(memory_efficient=True)
    assert dl.transfer_weights(reference, efficient) == 242
    x = np.random.default_rng(0).normal(size=(1, 224, 224, 3)).astype("float32")
    expected = numpy(reference(x))
    np.testing.assert_allclose(numpy(efficient(x)), expected, rtol=1e-4, atol=1e-6)
