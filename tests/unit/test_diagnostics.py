"""Chapter 1's measurements, against hand-derived values."""

import keras
import numpy as np
import pytest

from densenet_lib import diagnostics


def softmax_regression(w, b):
    inputs = keras.Input(shape=(3,))
    dense = keras.layers.Dense(2, activation="softmax", name="fc")
    model = keras.Model(inputs, dense(inputs))
    dense.set_weights([w, b])
    return model


def test_gradient_norms_equal_the_analytic_gradient_and_restore_the_weights():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 2)).astype("float32")
    b = np.array([0.1, -0.2], "float32")
    x = rng.normal(size=(4, 3)).astype("float32")
    y = np.array([0, 1, 1, 0])
    model = softmax_regression(w, b)
    norms = diagnostics.gradient_norms(model, x, y)
    # Cross-entropy of a softmax: dL/dlogits = (p - onehot(y)) / batch.
    logits = x @ w + b
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    delta = (p - np.eye(2)[y]) / len(x)
    assert norms["fc/kernel"] == pytest.approx(np.linalg.norm(x.T @ delta), 1e-5)
    assert norms["fc/bias"] == pytest.approx(np.linalg.norm(delta.sum(0)), 1e-5)
    kernel, bias = model.get_layer("fc").get_weights()
    np.testing.assert_array_equal(kernel, w)
    np.testing.assert_array_equal(bias, b)


def test_gradient_norms_need_a_model():
    with pytest.raises(ValueError, match="model"):
        diagnostics.gradient_norms("not a model", None, None)


def test_training_error_curve_counts_full_batches_and_learns():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")  # separable: the error must fall
    model = softmax_regression(np.zeros((3, 2), "float32"), np.zeros(2, "float32"))
    errors = diagnostics.training_error_curve(model, x, y, epochs=20, batch_size=30)
    assert errors.shape == (20 * 2,)  # 64 // 30 = 2 full batches per epoch
    assert errors[-4:].mean() < errors[:4].mean()
    assert ((errors >= 0) & (errors <= 1)).all()


@pytest.mark.parametrize(
    "kwargs, name",
    [(dict(epochs=0), "epochs"), (dict(batch_size=100), "batch_size")],
)
def test_training_error_curve_refuses_bad_sizes(kwargs, name):
    x, y = np.zeros((8, 3), "float32"), np.zeros(8, "int64")
    model = softmax_regression(np.zeros((3, 2), "float32"), np.zeros(2, "float32"))
    settings = dict(epochs=1, batch_size=4) | kwargs
    with pytest.raises(ValueError, match=name):
        diagnostics.training_error_curve(model, x, y, **settings)
