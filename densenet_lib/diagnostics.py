"""How a network trains, measured: chapter 1's two experiments as functions.

- :func:`gradient_norms`: the norm of the loss gradient for every trainable
  weight, on one batch. Vanishing or exploding gradients in a deep plain
  network (He et al., 2016, Sec. 1) show as a large spread of these norms
  from the input side to the output side; shortcuts (ResNet) or dense
  connections (DenseNet's "implicit deep supervision", Huang et al., 2017,
  Sec. 3) keep it small.
- :func:`training_error_curve`: the training error of every step, the
  quantity of He et al.'s Fig. 1 ("degradation": a deeper plain net fits its
  training set worse than a shallower one).

Both use only Keras' ``compile``/``train_on_batch``, so they run on every
backend.
"""

from __future__ import annotations

import keras
import numpy as np

from .config import check_int, check_model


def gradient_norms(model: keras.Model, images, labels) -> dict:
    """``{weight path: ||dL/dw||}`` for every trainable weight, on one batch.

    L is the mean sparse categorical cross-entropy of ``model``'s outputs
    (probabilities) against the integer ``labels``. One SGD step with learning
    rate 1 moves each weight by exactly its gradient, so the norm of the change
    is the gradient's norm. Every weight of the model (BN's moving statistics
    included) is put back afterwards; the model is left compiled with that SGD
    optimizer. Shapes: images (b, h, w, c), labels (b,).
    """
    check_model("model", model)
    saved = model.get_weights()
    weights = model.trainable_weights
    before = [keras.ops.convert_to_numpy(w) for w in weights]
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=1.0),
        loss="sparse_categorical_crossentropy",
    )
    model.train_on_batch(images, labels)
    after = [keras.ops.convert_to_numpy(w) for w in weights]
    model.set_weights(saved)
    return {
        w.path: float(np.linalg.norm(b - a))
        for w, b, a in zip(weights, before, after, strict=True)
    }


def training_error_curve(
    model: keras.Model,
    x_train,
    y_train,
    epochs: int,
    batch_size: int,
    learning_rate: float = 0.1,
    momentum: float = 0.9,
    seed: int = 0,
) -> np.ndarray:
    """Train with SGD + momentum; return the training error of every step.

    Each epoch visits the training set in a fresh random order (from
    ``seed``) in full batches only; the error of a step is 1 - accuracy on
    its batch, measured by the training pass itself (BN in training mode, as
    in He et al.'s training curves). Returns ``epochs * (n // batch_size)``
    values, in order.
    """
    epochs = check_int("epochs", epochs)
    batch_size = check_int("batch_size", batch_size)
    steps = len(x_train) // batch_size
    if steps < 1:
        raise ValueError(
            f"batch_size must be at most the {len(x_train)} training examples, "
            f"got {batch_size}"
        )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate, momentum=momentum),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    rng, errors = np.random.default_rng(seed), []
    for _ in range(epochs):
        order = rng.permutation(len(x_train))
        for step in range(steps):
            batch = order[step * batch_size : (step + 1) * batch_size]
            logs = model.train_on_batch(
                x_train[batch], y_train[batch], return_dict=True
            )
            errors.append(1.0 - float(logs["accuracy"]))
    return np.array(errors)
