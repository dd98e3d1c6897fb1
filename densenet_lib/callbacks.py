"""Keras callbacks that let a chapter show what happens during training.

Chapter 6 stages a lost Colab runtime with :class:`Disconnect` and shows, with
:class:`EpochLog`, that calling ``training.fit`` again with the same backup
folder trains only the epochs that are left.
"""

from __future__ import annotations

import keras

from .config import check_int


class Disconnected(RuntimeError):
    """Raised by :class:`Disconnect`: the run stopped as a lost runtime stops it."""


class Disconnect(keras.callbacks.Callback):
    """Stops training after epoch ``after_epoch`` (counted from 1) by raising
    :class:`Disconnected`, as a lost runtime would: the epoch's backup is
    written first (``BackupAndRestore`` runs before callbacks passed later)."""

    def __init__(self, after_epoch: int):
        super().__init__()
        self.after_epoch = check_int("after_epoch", after_epoch)

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.after_epoch:
            raise Disconnected(f"runtime disconnected after epoch {self.after_epoch}")


class EpochLog(keras.callbacks.Callback):
    """Records the epochs (counted from 0, as Keras does) that start, in ``started``."""

    def __init__(self):
        super().__init__()
        self.started: list[int] = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started.append(int(epoch))
