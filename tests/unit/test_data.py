import keras
import numpy as np
import pytest

import densenet_lib as dl
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


def test_resized_halves_by_averaging_2x2_blocks_and_keeps_the_labels():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (3, 8, 8, 3)).astype("float32")
    y = np.arange(3)
    d = data.ImageData("t", x, y, x[:1], y[:1], 3, "hand-made")
    half = d.resized(4)
    blocks = x.reshape(3, 4, 2, 4, 2, 3).mean(axis=(2, 4))  # the reference
    np.testing.assert_allclose(half.x_train, blocks, rtol=1e-5, atol=1e-3)
    assert half.x_test.shape == (1, 4, 4, 3) and half.image_shape == (4, 4, 3)
    assert half.y_train is y and half.classes == 3
    assert "resized to 4x4" in half.description
    assert d.resized(8) is d and d.image_shape == (8, 8, 3)
    with pytest.raises(ValueError, match="size"):
        d.resized(0)


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


def test_augmentation_is_exactly_the_papers_crop_and_flip():
    x = np.arange(64 * 32 * 32 * 3, dtype="float32").reshape(64, 32, 32, 3)
    y, dy, dx, flip = data.augment_batch(x, np.random.default_rng(1))
    padded = np.pad(x, ((0, 0), (4, 4), (4, 4), (0, 0)))  # zeros around
    for i in range(len(x)):
        window = padded[i, dy[i] : dy[i] + 32, dx[i] : dx[i] + 32]
        np.testing.assert_array_equal(y[i], window[:, ::-1] if flip[i] else window)
    # Offsets 0..8 (pad 4 on each side) and both flips occur.
    assert set(dy) | set(dx) <= set(range(9)) and len(set(dy)) > 4
    assert 0 < flip.sum() < len(x)


def test_augmented_batches_depend_on_seed_epoch_and_batch_alone():
    x = np.random.default_rng(0).normal(size=(20, 32, 32, 3)).astype("float32")
    y = np.arange(20)

    def batch(epoch, index, seed=0):
        batches = dl.training.ImageBatches(x, y, 8, seed=seed, augment=True)
        batches.set_epoch(epoch)
        return batches[index]

    first, again = batch(1, 2), batch(1, 2)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(batch(2, 2)[0], first[0])
    assert not np.array_equal(batch(1, 2, seed=1)[0], first[0])


@pytest.mark.parametrize("name", ["quick", "full"])
def test_profile_data_is_the_digits_offline_and_normalized(name, monkeypatch):
    def offline(*args, **kwargs):
        raise OSError("no network")

    monkeypatch.setattr(keras.datasets.cifar10, "load_data", offline)
    loaded = data.profile_data(Profile(name, "test"))
    assert loaded.name == "digits"  # full: CIFAR-10 could not be downloaded
    np.testing.assert_allclose(loaded.mean, 0, atol=1e-5)
    np.testing.assert_allclose(loaded.std, 1, atol=1e-4)


@pytest.mark.backend_independent
def test_synthetic_cifar_has_cifars_shapes_and_range_and_says_so():
    d = data.synthetic_cifar("cifar100", train=20, test=6, seed=1)
    assert d.name == "synthetic" and "synthetic" in d.description
    assert d.x_train.shape == (20, 32, 32, 3) and d.x_test.shape == (6, 32, 32, 3)
    assert d.x_train.dtype == np.float32 and 0 <= d.x_train.min() < d.x_train.max()
    assert d.x_train.max() <= 255 and d.classes == 100
    assert d.y_train.min() >= 0 and d.y_train.max() < 100 and d.y_test.shape == (6,)


@pytest.mark.backend_independent
def test_offline_cifar_never_downloads(monkeypatch, tmp_path):
    monkeypatch.setattr(data, "keras_dataset_dirs", lambda: [tmp_path])

    def broken_copy(name, fallback):
        raise OSError("a broken archive; no network to fetch it again")

    monkeypatch.setattr(data, "load_cifar", broken_copy)
    monkeypatch.setattr(
        data,
        "synthetic_cifar",
        lambda name: data.ImageData("synthetic", *(np.zeros(1),) * 4, 10, "synthetic"),
    )
    assert not data.cifar_is_cached("cifar10")
    d = data.offline_cifar("cifar10")  # not cached: load_cifar is never called
    assert d.name == "synthetic" and "not in the Keras cache" in d.description

    (tmp_path / data.CIFAR_ARCHIVES["cifar10"]).write_bytes(b"a cached copy")
    assert data.cifar_is_cached("cifar10")
    assert "did not load: OSError" in data.offline_cifar("cifar10").description
    real = data.ImageData("cifar10", *(np.zeros(1),) * 4, 10, "CIFAR10")
    monkeypatch.setattr(data, "load_cifar", lambda name, fallback: real)
    assert data.offline_cifar("cifar10") is real


@pytest.mark.backend_independent
def test_keras_dataset_dirs_follow_keras_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert data.keras_dataset_dirs()[0] == tmp_path / "datasets"
