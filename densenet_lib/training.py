"""Training DenseNets the way the paper did (Sec. 4.2), and surviving interruptions.

The recipe: SGD with Nesterov momentum 0.9, batch 64, 300 epochs, learning
rate 0.1 divided by 10 at 50 % and 75 % of the epochs, weight decay 1e-4,
He initialization, dropout 0.2 only without data augmentation. Batch
normalization keeps its running statistics as Torch (the paper's code) does,
``0.9 * old + 0.1 * batch``: Keras' default momentum of 0.99 remembers the
first steps of a short run for too long.

Weight decay, as the paper applied it: the authors' Torch code passes
``weightDecay = 1e-4`` to ``optim.sgd``, which adds ``1e-4 * w`` to every
gradient (biases and BN's γ/β included) *before* the momentum update. That is
an L2 penalty ``(1e-4 / 2) * ||w||^2`` in the loss ("coupled" decay). Keras
optimizers' ``weight_decay=`` argument is *decoupled* (AdamW-style: the
weights shrink by ``lr * wd`` outside the momentum), which with momentum 0.9
decays about ten times less than the paper's. So the recipe sets an L2
regularizer of ``wd / 2`` on every trainable variable instead
(:func:`apply_weight_decay`).

Resuming: :func:`fit` backs up the model, the optimizer and the epoch at the
end of every epoch (``keras.callbacks.BackupAndRestore``). Batches are
shuffled and augmented from a seed, the epoch and the batch index alone
(:class:`ImageBatches`), so a run killed at any moment and restarted from its
backup replays exactly the epochs it lost and ends with the same weights as
an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from dataclasses import dataclass

import keras
import numpy as np

from .config import check_int
from .data import ImageData, augment_batch


def steps_per_epoch(examples: int, batch_size: int) -> int:
    """Batches in one epoch: ``ceil(examples / batch_size)``.

    The last one may be smaller.
    """
    return math.ceil(examples / batch_size)


@dataclass(frozen=True)
class Recipe:
    """A training schedule. The defaults are the paper's CIFAR recipe (Sec. 4.2)."""

    epochs: int = 300
    batch_size: int = 64
    learning_rate: float = 0.1
    momentum: float = 0.9
    nesterov: bool = True
    weight_decay: float = 1e-4
    lr_drops: tuple = (0.5, 0.75)
    augment: bool = True
    dropout: float | None = None
    bn_momentum: float = 0.9

    def __post_init__(self):
        check_int("epochs", self.epochs)
        check_int("batch_size", self.batch_size)
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate!r}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum!r}")
        if not self.weight_decay >= 0:
            raise ValueError(f"weight_decay must be >= 0, got {self.weight_decay!r}")
        if not all(0 < f < 1 for f in self.lr_drops):
            raise ValueError(
                "lr_drops must be fractions of the epochs in (0, 1), "
                f"got {self.lr_drops!r}"
            )
        if self.dropout is not None and not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be None or in [0, 1), got {self.dropout!r}")
        if not 0 <= self.bn_momentum < 1:
            raise ValueError(f"bn_momentum must be in [0, 1), got {self.bn_momentum!r}")

    @property
    def dropout_rate(self) -> float:
        """``dropout`` if set, else the paper's rule (Sec. 4.2).

        That is 0.2 without data augmentation, none with it.
        """
        if self.dropout is not None:
            return self.dropout
        return 0.0 if self.augment else 0.2

    def replace(self, **changes) -> Recipe:
        return dataclasses.replace(self, **changes)

    @property
    def drop_epochs(self) -> list:
        """The (0-based) epochs that start with the learning rate divided by 10.

        ``[150, 225]`` for 300 epochs.
        """
        return [int(round(f * self.epochs)) for f in self.lr_drops]

    def learning_rate_schedule(self, steps_per_epoch: int):
        """Piecewise constant: lr, then lr/10 and lr/100 at :attr:`drop_epochs`.

        lr/10 after ``lr_drops[0]`` of the epochs, lr/100 after ``lr_drops[1]``.

        The optimizer's step counter is 0 during the first step, and Keras keeps
        ``values[i]`` while ``step <= boundaries[i]``: the boundary is the last
        step *before* the drop epoch, so its first step already uses the new rate.
        """
        boundaries = [epoch * steps_per_epoch - 1 for epoch in self.drop_epochs]
        values = [self.learning_rate / 10**i for i in range(len(boundaries) + 1)]
        return keras.optimizers.schedules.PiecewiseConstantDecay(boundaries, values)

    def optimizer(self, steps_per_epoch: int) -> keras.optimizers.SGD:
        return keras.optimizers.SGD(
            self.learning_rate_schedule(steps_per_epoch),
            momentum=self.momentum,
            nesterov=self.nesterov,
        )


PAPER_RECIPE = Recipe()
"""300 epochs, as in the paper.

About 13 hours for DenseNet-BC (L=100, k=12) on one modern GPU.
"""

SHORT_GPU_RECIPE = Recipe(epochs=40)
"""A 40-epoch version of the same schedule (drops at epochs 20 and 30) for a Colab GPU
session; expect roughly 93-94 % CIFAR-10 test accuracy for DenseNet-BC (L=100, k=12)
instead of the paper's 95.5 % — an estimate, to be confirmed by a full-profile run."""


def mixed_precision_policy(compute_capability) -> str:
    """The Keras dtype policy :func:`fit` trains with on a GPU of this capability.

    ``compute_capability``: ``(major, minor)``, or None when unknown
    (:func:`densenet_lib.profiles.gpu_compute_capability`). From 8.0 on
    (A100, H100, ...) ``"mixed_bfloat16"``: float32's range, so no loss
    scaling. Before (Colab's T4 is 7.5, a V100 7.0), and when unknown,
    ``"mixed_float16"``, which every CUDA GPU computes; there ``compile``
    wraps the optimizer in Keras' ``LossScaleOptimizer``.
    """
    if compute_capability is not None and tuple(compute_capability) >= (8, 0):
        return "mixed_bfloat16"
    return "mixed_float16"


def apply_weight_decay(model: keras.Model, weight_decay: float) -> keras.Model:
    """Coupled weight decay as in the paper's Torch code: an L2 penalty
    ``weight_decay / 2 * ||w||^2`` on every trainable variable (kernels,
    biases, BN γ/β)."""
    regularizer = keras.regularizers.L2(weight_decay / 2) if weight_decay else None
    for variable in model.trainable_variables:
        variable.regularizer = regularizer
    return model


def he_initialize(model: keras.Model, seed: int = 0) -> keras.Model:
    """Re-draw every convolution kernel as the paper's Torch code did:
    N(0, 2 / n) with n = k * k * output channels (He et al. 2015, "fan out");
    classifier biases start at 0."""
    initializer = keras.initializers.VarianceScaling(
        2.0, "fan_out", "untruncated_normal", seed=seed
    )
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            layer.kernel.assign(initializer(layer.kernel.shape))
        elif isinstance(layer, keras.layers.Dense) and layer.use_bias:
            layer.bias.assign(np.zeros(layer.bias.shape, "float32"))
    return model


class ImageBatches(keras.utils.PyDataset):
    """Shuffled, optionally augmented batches that depend only on (seed, epoch, batch).

    Shapes: each item is (images (b, 32, 32, c), labels (b,)). Call
    :meth:`set_epoch` at the start of every epoch (:class:`EpochSetter` does).
    """

    def __init__(
        self,
        x,
        y,
        batch_size: int,
        seed: int = 0,
        augment: bool = False,
        shuffle: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.x, self.y = x, y
        self.batch_size, self.seed, self.shuffle = batch_size, seed, shuffle
        self.augment = augment
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return steps_per_epoch(len(self.x), self.batch_size)

    def _order(self) -> np.ndarray:
        """This epoch's order of the examples (computed once per epoch)."""
        if getattr(self, "_order_of", (None,))[0] != self.epoch:
            order = (
                np.random.default_rng([self.seed, self.epoch]).permutation(len(self.x))
                if self.shuffle
                else np.arange(len(self.x))
            )
            self._order_of = (self.epoch, order)
        return self._order_of[1]

    def __getitem__(self, index: int):
        order = self._order()
        rows = order[index * self.batch_size : (index + 1) * self.batch_size]
        x, y = self.x[rows], self.y[rows]
        if self.augment:
            # Crops and flips from (seed, epoch, batch) alone, so that a resumed
            # run replays them.
            rng = np.random.default_rng([self.seed, self.epoch, index])
            x = augment_batch(x, rng)[0]
        return x, y


class EpochSetter(keras.callbacks.Callback):
    """Tells an :class:`ImageBatches` which epoch is starting (also after a resume)."""

    def __init__(self, batches: ImageBatches):
        super().__init__()
        self.batches = batches

    def on_epoch_begin(self, epoch, logs=None):
        self.batches.set_epoch(epoch)


def _scope(distribution):
    """Enter a distribution engine: a ``keras.distribution.Distribution`` (JAX)
    or anything with ``.scope()`` such as ``tf.distribute.MirroredStrategy``."""
    if distribution is None:
        return contextlib.nullcontext()
    if hasattr(distribution, "scope"):
        return distribution.scope()
    raise ValueError(
        f"distribution must be None or have a .scope() method, got {distribution!r}"
    )


def fit(
    build_model,
    data: ImageData,
    recipe: Recipe = PAPER_RECIPE,
    backup_dir=None,
    seed: int = 0,
    distribution=None,
    accelerate: bool | None = None,
    verbose="auto",
    callbacks=(),
):
    """Train ``build_model(dropout_rate=...)`` on ``data`` with ``recipe``.

    Returns ``(model, history)``.

    ``data`` is normalized already (``ImageData.normalized()``). ``backup_dir``:
    where the run backs itself up each epoch and resumes from after an
    interruption (e.g. a folder on Google Drive on Colab). ``distribution``:
    an existing engine (``keras.distribution.DataParallel`` on JAX,
    ``tf.distribute.MirroredStrategy`` on TensorFlow) to train on several
    devices. ``accelerate``: mixed precision (:func:`mixed_precision_policy`:
    bfloat16 from compute capability 8.0, else float16 with loss scaling) and
    XLA; default on when a GPU is present.
    """
    from .profiles import gpu_compute_capability, gpu_count

    if accelerate is None:
        accelerate = gpu_count() > 0
    if accelerate:
        policy = mixed_precision_policy(gpu_compute_capability())
        keras.mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(seed)
    train = ImageBatches(
        data.x_train, data.y_train, recipe.batch_size, seed, recipe.augment
    )
    test = ImageBatches(data.x_test, data.y_test, 256, shuffle=False)
    with _scope(distribution):
        model = build_model(dropout_rate=recipe.dropout_rate)
        he_initialize(model, seed)
        for layer in model.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.momentum = recipe.bn_momentum
        apply_weight_decay(model, recipe.weight_decay)
        model.compile(
            optimizer=recipe.optimizer(len(train)),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
            jit_compile=True if accelerate else "auto",
        )
    all_callbacks = [EpochSetter(train), *callbacks]
    if backup_dir is not None:
        all_callbacks.insert(
            0, keras.callbacks.BackupAndRestore(str(backup_dir), save_freq="epoch")
        )
    # shuffle=False: ImageBatches shuffles itself, from the seed and the epoch
    # (Keras' own shuffle of the batch order would not replay after a resume).
    history = model.fit(
        train,
        validation_data=test,
        epochs=recipe.epochs,
        callbacks=all_callbacks,
        shuffle=False,
        verbose=verbose,
    )
    if accelerate:
        keras.mixed_precision.set_global_policy("float32")
    return model, history
