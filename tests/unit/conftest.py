import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _fresh_keras_session():
    """Each test starts from a clean Keras graph and a fixed seed."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    yield


def random_images(batch, height, width, channels=3, seed=0):
    return (
        np.random.default_rng(seed)
        .normal(size=(batch, height, width, channels))
        .astype("float32")
    )


def weight_count(weights):
    return int(sum(np.prod(w.shape) for w in weights))


def reference_macs(model):
    """Multiply-adds of one image, read off a built model's layers
    (an independent count to check the analytic plan against)."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            kh, kw, c_in, c_out = layer.kernel.shape
            _, h, w, _ = layer.output.shape
            total += h * w * kh * kw * c_in * c_out
        elif isinstance(layer, keras.layers.Dense):
            c_in, c_out = layer.kernel.shape
            total += c_in * c_out
    return total
