"""Data for the training chapters: CIFAR-10/100, or offline digits.

CIFAR comes through ``keras.datasets`` (downloaded once, then cached in
``~/.keras/datasets``). Where it cannot be downloaded (no network, as in the
book's CI) the loaders fall back, with a one-line message, to real data that
ships offline: scikit-learn's 1,797 handwritten digits (8x8, 10 classes),
resized to 32x32x3 so that every CIFAR model runs on them unchanged. The
quick profile uses the digits on purpose. For timing runs, :func:`offline_cifar`
never downloads: CIFAR from the Keras cache if it is there, else synthetic
images of its shape, named as such.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from .config import check_choice, check_int

CIFAR = ("cifar10", "cifar100")


@dataclass(frozen=True)
class ImageData:
    """Train and test images and labels.

    Images are float32, channels last, and *not* yet normalized.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int
    description: str

    @property
    def mean(self) -> np.ndarray:
        """Per-channel mean of the training images."""
        return self.x_train.mean(axis=(0, 1, 2), dtype=np.float64)

    @property
    def std(self) -> np.ndarray:
        """Per-channel standard deviation of the training images."""
        return self.x_train.std(axis=(0, 1, 2), dtype=np.float64)

    def normalized(self) -> ImageData:
        """Per-channel mean/std normalization with the *training* statistics.

        As in the paper (Sec. 4.2).
        """
        mean, std = self.mean, self.std

        def scale(x):
            return ((x - mean) / std).astype("float32")

        return ImageData(
            self.name,
            scale(self.x_train),
            self.y_train,
            scale(self.x_test),
            self.y_test,
            self.classes,
            self.description + ", normalized per channel",
        )

    @property
    def image_shape(self) -> tuple:
        """(height, width, channels) of one image, a model's ``input_shape``."""
        return tuple(int(n) for n in self.x_train.shape[1:])

    def resized(self, size: int) -> ImageData:
        """The images resized bilinearly to ``size`` x ``size`` (itself if
        they have that size already). In the quick profile chapter 1's
        training runs and chapter 6 use the digits at 16x16: their 8x8
        originals hold no more detail than that.
        Shapes: (n, h, w, c) -> (n, size, size, c), float32.
        """
        check_int("size", size)
        if self.image_shape[:2] == (size, size):
            return self

        def resize(x):
            x = keras.ops.image.resize(x, (size, size), interpolation="bilinear")
            return keras.ops.convert_to_numpy(x).astype("float32")

        return ImageData(
            self.name,
            resize(self.x_train),
            self.y_train,
            resize(self.x_test),
            self.y_test,
            self.classes,
            f"{self.description}, resized to {size}x{size}",
        )

    def subset(self, train: int | None = None, test: int | None = None) -> ImageData:
        """The first ``train`` / ``test`` examples (for quick runs)."""
        return ImageData(
            self.name,
            self.x_train[:train],
            self.y_train[:train],
            self.x_test[:test],
            self.y_test[:test],
            self.classes,
            f"{self.description} (first {len(self.x_train[:train])} train / "
            f"{len(self.x_test[:test])} test images)",
        )


def load_digits32(test_fraction: float = 0.2, seed: int = 0) -> ImageData:
    """scikit-learn's handwritten digits as 32x32x3 images in [0, 255].

    The 8x8 images (values 0..16) are resized bilinearly to 32x32 and repeated
    over three channels; a stratified split keeps ``test_fraction`` for testing.
    Shapes: (n, 32, 32, 3) float32 and (n,) int labels.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = digits.images.astype("float32")[..., None] * (255.0 / 16.0)
    images = keras.ops.convert_to_numpy(
        keras.ops.image.resize(images, (32, 32), interpolation="bilinear")
    )
    images = np.repeat(np.clip(images, 0, 255), 3, axis=-1).astype("float32")
    x_train, x_test, y_train, y_test = train_test_split(
        images,
        digits.target.astype("int64"),
        test_size=test_fraction,
        random_state=seed,
        stratify=digits.target,
    )
    return ImageData(
        "digits",
        x_train,
        y_train,
        x_test,
        y_test,
        10,
        "scikit-learn digits (offline), 8x8 resized to 32x32x3",
    )


def load_cifar(name: str = "cifar10", fallback: bool = True) -> ImageData:
    """CIFAR-10 or CIFAR-100 from ``keras.datasets``.

    50,000 train and 10,000 test images of 32x32x3.

    If the download fails and ``fallback`` is true, print one line saying so
    and return :func:`load_digits32` instead; otherwise re-raise.
    """
    check_choice("name", name, CIFAR)
    try:
        (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, name).load_data()
    except Exception as error:
        # No network, a proxy, a broken cache: all the same to a reader.
        if not fallback:
            raise
        reason = (
            str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        )
        print(
            f"{name} could not be downloaded ({reason}); using the offline "
            "digits instead (densenet_lib.data.load_digits32)."
        )
        return load_digits32()
    return ImageData(
        name,
        x_train.astype("float32"),
        y_train.reshape(-1).astype("int64"),
        x_test.astype("float32"),
        y_test.reshape(-1).astype("int64"),
        10 if name == "cifar10" else 100,
        f"{name.upper()} from keras.datasets",
    )


CIFAR_ARCHIVES = {
    "cifar10": "cifar-10-batches-py-target_archive",
    "cifar100": "cifar-100-python-target_archive",
}
"""The file ``keras.datasets`` (Keras 3) downloads each CIFAR into, in its cache."""


def keras_dataset_dirs() -> list:
    """Where ``keras.datasets`` caches downloads: ``$KERAS_HOME/datasets`` (default
    ``~/.keras/datasets``), and ``/tmp/.keras/datasets``, Keras' fallback when
    the first is not writable."""
    home = os.environ.get("KERAS_HOME") or os.path.join("~", ".keras")
    homes = [Path(home).expanduser(), Path("/tmp/.keras")]
    return [folder / "datasets" for folder in dict.fromkeys(homes)]


def cifar_is_cached(name: str = "cifar10") -> bool:
    """Whether ``keras.datasets`` has ``name`` cached: loading it downloads nothing."""
    check_choice("name", name, CIFAR)
    return any((d / CIFAR_ARCHIVES[name]).is_file() for d in keras_dataset_dirs())


def synthetic_cifar(
    name: str = "cifar10", train: int = 50_000, test: int = 10_000, seed: int = 0
) -> ImageData:
    """Random images of CIFAR's shape and range, random labels: for timing only.

    Shapes: (train, 32, 32, 3) and (test, 32, 32, 3) float32 in [0, 255], labels
    (n,) int64 in [0, classes). ``name`` ``"synthetic"``, said in the description.
    """
    check_choice("name", name, CIFAR)
    classes = 10 if name == "cifar10" else 100
    rng = np.random.default_rng(seed)

    def images(n):
        return rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8).astype(
            "float32"
        )

    return ImageData(
        "synthetic",
        images(train),
        rng.integers(0, classes, size=train),
        images(test),
        rng.integers(0, classes, size=test),
        classes,
        f"synthetic data of {name}'s shape (random 32x32x3 images and labels)",
    )


def offline_cifar(name: str = "cifar10") -> ImageData:
    """CIFAR from the Keras cache if it is there, else :func:`synthetic_cifar`.

    Never downloads. ``.name`` says which it is: ``name`` or ``"synthetic"``.
    """
    reason = "not in the Keras cache"
    if cifar_is_cached(name):
        try:
            return load_cifar(name, fallback=False)
        except Exception as error:  # a broken cached copy, no network to refetch it
            reason = f"its cached copy did not load: {type(error).__name__}"
    data = synthetic_cifar(name)
    return dataclasses.replace(data, description=f"{data.description}; {reason}")


def load_data(name: str) -> ImageData:
    """``"digits"``, ``"cifar10"`` or ``"cifar100"`` by name."""
    check_choice("name", name, ("digits",) + CIFAR)
    return load_digits32() if name == "digits" else load_cifar(name)


def profile_data(profile) -> ImageData:
    """The normalized data a training chapter uses in ``profile``
    (:func:`densenet_lib.current_profile`): the offline digits in the quick
    profile, CIFAR-10 in the full one (the digits, with a one-line message,
    where CIFAR-10 cannot be downloaded)."""
    name = profile.pick(quick="digits", full="cifar10")
    return load_data(name).normalized()


def augment_batch(images: np.ndarray, rng: np.random.Generator, pad: int = 4):
    """The paper's C10+ augmentation (Sec. 4.1, "mirroring/shifting"; in the
    authors' code, fb.resnet.torch's: zero-pad 4 pixels, take a random crop
    of the original size, flip horizontally with probability 1/2), for one
    batch, in NumPy.

    Every image gets its own crop offset ``(dy, dx)`` in ``[0, 2 * pad]`` and
    flip, drawn from ``rng``: seed ``rng`` from (seed, epoch, batch) and the
    batch is the same every time it is asked for. Returns
    ``(augmented, dy, dx, flip)``. Shapes: (b, h, w, c) -> (b, h, w, c).
    """
    images = np.asarray(images)
    b, h, w, _ = images.shape
    dy, dx = rng.integers(0, 2 * pad + 1, size=(2, b))
    flip = rng.random(b) < 0.5
    padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    rows = dy[:, None] + np.arange(h)  # (b, h): the padded rows each image keeps
    cols = dx[:, None] + np.arange(w)  # (b, w)
    cols = np.where(flip[:, None], cols[:, ::-1], cols)
    out = padded[np.arange(b)[:, None, None], rows[:, :, None], cols[:, None, :]]
    return out, dy, dx, flip
