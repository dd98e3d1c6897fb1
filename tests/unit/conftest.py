import functools
import gc
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest


@pytest.fixture(scope="session", autouse=True)
def _imports_out_of_the_collectors_sight():
    """Keras and its backend, imported once for the session, are moved out of
    the garbage collector's sight (``gc.freeze``): each test's
    ``clear_session`` (a full ``gc.collect``) then walks only what tests made."""
    gc.collect()
    gc.freeze()


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


class BuiltOnce:
    """ImageNet DenseNets at 224x224 with the top, each built on first use and
    kept for the rest of the test session (building DenseNet-201 takes seconds).

    ``ours(121)`` is ``densenet_lib.DenseNet121()``; ``keras_applications(121)``
    is ``keras.applications.DenseNet121(weights=None)``. The tests share them:
    read their layers, shapes and counts; never change or train them.

    Once built, a model is moved out of the garbage collector's sight
    (``gc.freeze``): it lives as long as the session anyway, and otherwise
    every later test's ``clear_session`` (a full ``gc.collect``) would walk
    its many thousand objects again.
    """

    def __init__(self):
        self._models = {}

    def _get(self, key, build):
        if key not in self._models:
            self._models[key] = build()
            gc.collect()  # today's garbage is not frozen with the model
            gc.freeze()
        return self._models[key]

    def ours(self, depth):
        import densenet_lib as dl

        return self._get(("ours", depth), getattr(dl, f"DenseNet{depth}"))

    def keras_applications(self, depth):
        build = getattr(keras.applications, f"DenseNet{depth}")
        return self._get(("keras", depth), functools.partial(build, weights=None))


@pytest.fixture(scope="session")
def imagenet_models():
    """The session's :class:`BuiltOnce` ImageNet DenseNets."""
    return BuiltOnce()
