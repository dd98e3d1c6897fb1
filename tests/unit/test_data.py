import keras
import numpy as np
import pytest

from densenet_lib import data
from densenet_lib.profiles import Profile


def test_digits_are_32x32x3_and_stratified():
    d = data.load_digits32()
    assert d.x_train.shape[1:] == d.x_test.shape[1:] == (32, 32, 3)
    assert len(d.x_train) + len(d.x_test) == 1797  # scikit-learn's digits
    assert (
        d.x_train.dtype == np.float32
        and d.x_train.min() >= 0
        and d.x_train.max() <= 255
    )
    assert set(np.unique(d.y_test)) == set(range(10))
    # Upsampling keeps the picture: averaging 4x4 patches gives back the 8x8
    # digit's layout.
    assert np.corrcoef(d.x_train[0, ..., 0].ravel(), d.x_train[0, ..., 1].ravel())[
        0, 1
    ] == pytest.approx(1)


def test_normalization_uses_training_statistics():
    d = data.load_digits32().normalized()
    np.testing.assert_allclose(
        d.x_train.mean(axis=(0, 1, 2), dtype=np.float64), 0, atol=1e-4
    )
    np.testing.assert_allclose(
        d.x_train.std(axis=(0, 1, 2), dtype=np.float64), 1, atol=1e-4
    )
    assert abs(d.x_test.mean()) < 0.1  # test set close to, not exactly, zero mean


def test_cifar_falls_back_to_digits_when_the_download_fails(monkeypatch, capsys):
    def no_network():
        raise OSError("URL fetch failure: no network")

    monkeypatch.setattr(keras.datasets.cifar10, "load_data", no_network)
    d = data.load_cifar("cifar10")
    assert d.name == "digits"
    message = capsys.readouterr().out.strip().splitlines()
    assert (
        len(message) == 1
        and "could not be downloaded" in message[0]
        and "digits" in message[0]
    )
    with pytest.raises(OSError):
        data.load_cifar("cifar10", fallback=False)
    with pytest.raises(ValueError, match="name"):
        data.load_data("mnist")


def test_augmentation_pads_crops_and_flips():
    aug = data.augmentation(seed=1)
    x = np.arange(2 * 32 * 32 * 3, dtype="float32").reshape(2, 32, 32, 3)
    y = keras.ops.convert_to_numpy(aug(x, training=True))
    assert y.shape == x.shape
    assert not np.array_equal(y, x)
    # Every output row is a (possibly flipped, shifted) window of the zero-padded input.
    padded = np.pad(x, ((0, 0), (4, 4), (4, 4), (0, 0)))
    found = any(
        np.array_equal(y[0], window) or np.array_equal(y[0], window[:, ::-1])
        for i in range(9)
        for j in range(9)
        for window in [padded[0, i : i + 32, j : j + 32]]
    )
    assert found


@pytest.mark.parametrize("name", ["quick", "full"])
def test_profile_data_is_the_digits_offline_and_normalized(name, monkeypatch):
    def offline(*args, **kwargs):
        raise OSError("no network")

    monkeypatch.setattr(keras.datasets.cifar10, "load_data", offline)
    loaded = data.profile_data(Profile(name, "test"))
    assert loaded.name == "digits"  # full: CIFAR-10 could not be downloaded
    np.testing.assert_allclose(loaded.mean, 0, atol=1e-5)
    np.testing.assert_allclose(loaded.std, 1, atol=1e-4)
