"""Moving weights between models by layer name.

Because our layer names equal keras.applications', the weights of
``keras.applications.DenseNet121`` (ImageNet-trained or random) copy into our
``DenseNet121`` one layer at a time, and the two models then compute the same
function. This is how the book proves the two are the same network.
"""

from __future__ import annotations

import os
import re

import keras
import numpy as np

from .config import check_model
from .variants import ImageNetVariant, imagenet_weights_label


def _weighted_layers(model: keras.Model) -> dict:
    """The layers of ``model`` that hold weights, by name."""
    return {layer.name: layer for layer in model.layers if layer.weights}


def transfer_weights(source: keras.Model, target: keras.Model) -> int:
    """Copy every weighted layer of ``source`` into its namesake in ``target``.

    Returns the number of layers copied. Raises ``ValueError`` when a
    weighted layer of either model has no twin of the same name in the other,
    or when the shapes differ, so a silent partial copy cannot happen.
    """
    check_model("source", source)
    check_model("target", target)
    src, dst = _weighted_layers(source), _weighted_layers(target)
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


def check_weights(
    weights, variant: ImageNetVariant, include_top: bool, classes: int
) -> None:
    """Raise ``ValueError`` unless ``weights`` can be loaded into ``variant``.

    ``weights``: ``None``, ``"imagenet"`` (for the variants with a
    keras.applications twin) or the path of an existing weights file: a
    ``.weights.h5`` that Keras saved, or keras.applications' downloaded
    ``.h5`` (our layers are in the same order, so it loads as it is).
    """
    if weights is None:
        return
    if weights == "imagenet":
        if not variant.has_imagenet_weights:
            raise ValueError(
                f"weights='imagenet' exists for {imagenet_weights_label()} only "
                f"(keras.applications' models), not {variant.label}"
            )
        if include_top and classes != 1000:
            raise ValueError(
                "weights='imagenet' with include_top=True needs classes=1000, "
                f"got {classes}"
            )
    elif not (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights)):
        raise ValueError(
            "weights must be None, 'imagenet' or the path of an existing "
            f"weights file (.weights.h5 or .h5), got {weights!r}"
        )


def load_weights(
    model: keras.Model, weights, variant: ImageNetVariant, include_top: bool
) -> None:
    """Load checked ``weights`` (see :func:`check_weights`) into an ImageNet DenseNet.

    ``"imagenet"`` builds ``variant``'s keras.applications model with its
    ImageNet weights (downloaded once to ``~/.keras``) and copies them in by
    layer name; a path is read with ``model.load_weights``.
    """
    if weights != "imagenet":
        model.load_weights(weights)
        return
    try:
        reference = getattr(keras.applications, variant.keras_application)(
            weights="imagenet",
            include_top=include_top,
            input_shape=tuple(model.input_shape[1:]),
        )
    except Exception as error:  # no network, a proxy, a broken download
        raise ValueError(_download_failed(error, variant)) from error
    transfer_weights(reference, model)


def _download_failed(error: Exception, variant: ImageNetVariant) -> str:
    """One line: what failed, where the file is, how to pass its path."""
    found = re.search(r"https?://\S+?\.h5", str(error))
    where = found.group(0) if found else "keras.applications' weights URL"
    name = where.rsplit("/", 1)[-1] if found else "the .h5 file"
    reason = str(error).strip().splitlines()[-1][-160:] if str(error) else ""
    return (
        f"weights='imagenet': the {variant.label} weights could not be downloaded "
        f"from {where} ({type(error).__name__}: {reason}). Fetch that file by "
        f"hand and pass its path: {variant.constructor}(weights='/path/to/{name}')"
    )


def random_weights(model: keras.Model, seed: int = 0) -> list:
    """Random values for every weight of ``model``, uniform in [0.5, 1.5).

    All positive, so that they are valid BatchNormalization moving variances
    too: with them, two models that should compute the same function can be
    compared weight for weight, BN statistics included::

        a.set_weights(random_weights(a))
        b.set_weights(a.get_weights())
    """
    check_model("model", model)
    rng = np.random.default_rng(seed)
    return [
        rng.uniform(0.5, 1.5, tuple(w.shape)).astype(w.dtype) for w in model.weights
    ]
