"""The layers every network of the book is built from, made in one place.

- :func:`batch_norm`: batch normalization over the channel axis with
  keras.applications' epsilon (:data:`BN_EPSILON`).
- :func:`bn_relu`: BN then ReLU, the first two operations of the paper's
  *composite function* H_l = BN-ReLU-Conv (Sec. 3, "Composite function"),
  which DenseNet takes from the pre-activation ResNet (He et al., "Identity
  Mappings in Deep Residual Networks", 2016).
- :func:`classifier`: the fully-connected softmax layer of Table 1's
  "Classification Layer", in float32 under mixed precision
  (:func:`classifier_dtype`).

keras.applications.densenet writes the same layers inline:
``layers.BatchNormalization(axis=3, epsilon=1.001e-5, name=...)``,
``layers.Activation("relu", name=...)`` and
``layers.Dense(classes, activation=..., name="predictions")``; the names
here follow it, so weights move across by layer name.
"""

from __future__ import annotations

import keras
from keras import layers

BN_EPSILON = 1.001e-5
"""keras.applications' BatchNormalization epsilon (the seed's Keras-1 code: 1.1e-5)."""


def classifier_dtype():
    """The classifier's dtype: ``"float32"`` under mixed precision, else ``None``.

    Keras' advice for mixed precision: a float16 softmax loses the small
    probabilities. ``None`` is the global policy, as keras.applications
    builds the layer.
    """
    policy = keras.config.dtype_policy()
    return "float32" if policy.compute_dtype != policy.variable_dtype else None


def batch_norm(name: str, kind=layers.BatchNormalization) -> layers.BatchNormalization:
    """BatchNormalization over the channel axis with keras.applications' epsilon.

    ``kind``: the class, ``BatchNormalization`` or a subclass such as the
    memory-efficient dense layer's
    :class:`~densenet_lib.memory_efficient.BatchNormScaleShift`.
    Shapes: (b, h, w, c) -> (b, h, w, c).
    """
    return kind(axis=-1, epsilon=BN_EPSILON, name=name)


def bn_relu(x, prefix: str):
    """BN then ReLU, named ``{prefix}bn`` and ``{prefix}relu``.

    The "BN-ReLU" that opens the paper's composite function H_l (Sec. 3);
    ``prefix`` is e.g. ``"conv2_block1_0_"`` (a dense layer), ``"pool2_"`` (a
    transition) or ``""`` (the final ``bn`` and ``relu`` before the head).
    Shapes: (b, h, w, c) -> (b, h, w, c).
    """
    x = batch_norm(f"{prefix}bn")(x)
    return layers.Activation("relu", name=f"{prefix}relu")(x)


def classifier(x, classes: int, activation="softmax"):
    """The fully-connected classification layer, named ``predictions``.

    Table 1's "1000D fully-connected, softmax" (after the global average
    pool), with ``classes`` outputs; float32 under mixed precision.
    Shapes: (b, c) -> (b, classes).
    """
    return layers.Dense(
        classes, activation=activation, name="predictions", dtype=classifier_dtype()
    )(x)
