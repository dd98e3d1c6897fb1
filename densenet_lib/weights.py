"""Moving weights between models by layer name.

Because our layer names equal keras.applications', the weights of
``keras.applications.DenseNet121`` (ImageNet-trained or random) copy into our
``DenseNet121`` one layer at a time, and the two models then compute the same
function. This is how the book proves the two are the same network.
"""

from __future__ import annotations

import os

import keras
import numpy as np


def transfer_weights(source: keras.Model, target: keras.Model) -> int:
    """Copy every weighted layer of ``source`` into the layer of the same name in ``target``.

    Returns the number of layers copied. Raises ``ValueError`` when a
    weighted layer of either model has no twin of the same name in the other,
    or when the shapes differ, so a silent partial copy cannot happen.
    """
    weighted = lambda model: {l.name: l for l in model.layers if l.weights}  # noqa: E731
    src, dst = weighted(source), weighted(target)
    if set(src) != set(dst):
        only_src = sorted(set(src) - set(dst))[:5]
        only_dst = sorted(set(dst) - set(src))[:5]
        raise ValueError(
            "source and target must have the same weighted layer names; "
            f"only in source: {only_src}, only in target: {only_dst}"
        )
    for name, layer in src.items():
        values = layer.get_weights()
        expected = [tuple(w.shape) for w in dst[name].weights]
        if [tuple(v.shape) for v in values] != expected:
            raise ValueError(
                f"layer {name!r}: source weight shapes {[v.shape for v in values]} "
                f"differ from target's {expected}"
            )
        dst[name].set_weights(values)
    return len(src)


IMAGENET_WEIGHTS = {
    121: "DenseNet121",
    169: "DenseNet169",
    201: "DenseNet201",
}
"""The keras.applications models whose ImageNet weights our presets can load."""


def check_weights(weights, depth: int, include_top: bool, classes: int) -> None:
    """Raise ``ValueError`` unless ``weights`` can be loaded into DenseNet-``depth``."""
    if weights is None:
        return
    if weights == "imagenet":
        if depth not in IMAGENET_WEIGHTS:
            raise ValueError(
                "weights='imagenet' exists for DenseNet-121/169/201 only, "
                f"not DenseNet-{depth}"
            )
        if include_top and classes != 1000:
            raise ValueError(
                f"weights='imagenet' with include_top=True needs classes=1000, got {classes}"
            )
    elif not (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights)):
        raise ValueError(
            "weights must be None, 'imagenet' or the path of an existing "
            f".weights.h5 file, got {weights!r}"
        )


def load_weights(model: keras.Model, weights, depth: int, include_top: bool) -> None:
    """Load checked ``weights`` (see :func:`check_weights`) into an ImageNet DenseNet.

    ``"imagenet"`` builds the matching ``keras.applications`` model with its
    ImageNet weights (downloaded once to ``~/.keras``) and copies them in by
    layer name; a path is read with ``model.load_weights``.
    """
    if weights != "imagenet":
        model.load_weights(weights)
        return
    reference = getattr(keras.applications, IMAGENET_WEIGHTS[depth])(
        weights="imagenet",
        include_top=include_top,
        input_shape=tuple(model.input_shape[1:]),
    )
    transfer_weights(reference, model)


def random_weights(model: keras.Model, seed: int = 0) -> list:
    """Random values for every weight of ``model``, uniform in [0.5, 1.5).

    All positive, so that they are valid BatchNormalization moving variances
    too: with them, two models that should compute the same function can be
    compared weight for weight, BN statistics included::

        a.set_weights(random_weights(a))
        b.set_weights(a.get_weights())
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model, got {type(model).__name__}")
    rng = np.random.default_rng(seed)
    return [
        rng.uniform(0.5, 1.5, tuple(w.shape)).astype(w.dtype)
        for w in model.weights
    ]
