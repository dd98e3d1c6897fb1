import keras
import pytest

import densenet_lib as dl
from densenet_lib.profiles import gpu_count


def test_profile_follows_the_hardware(monkeypatch):
    monkeypatch.delenv("DENSENET_PROFILE", raising=False)
    profile = dl.current_profile()
    assert profile.name == ("full" if gpu_count() else "quick")
    assert profile.pick(quick=1, full=300) == (300 if gpu_count() else 1)


@pytest.mark.parametrize("name", ["quick", "full", " FULL "])
def test_profile_can_be_forced(monkeypatch, name, capsys):
    monkeypatch.setenv("DENSENET_PROFILE", name)
    profile = dl.current_profile().announce(data="random tensors")
    assert profile.name == name.strip().lower()
    printed = capsys.readouterr().out
    assert f"Profile: {profile.name}" in printed and "Data: random tensors" in printed


def test_transfer_weights_refuses_a_partial_copy():
    small = dl.DenseNet(blocks=(1, 1), growth_rate=4, stem="cifar")
    other = dl.DenseNet(blocks=(1, 2), growth_rate=4, stem="cifar")
    with pytest.raises(ValueError, match="only in target"):
        dl.transfer_weights(small, other)
    keras.backend.clear_session()
    wider = dl.DenseNet(blocks=(1, 1), growth_rate=5, stem="cifar")
    with pytest.raises(ValueError, match="shapes"):
        dl.transfer_weights(small, wider)


def test_saved_weights_load_by_path(tmp_path):
    model = dl.DenseNet121(include_top=False, input_shape=(64, 64, 3))
    path = tmp_path / "densenet121.weights.h5"
    model.save_weights(path)
    again = dl.DenseNet121(
        include_top=False, input_shape=(64, 64, 3), weights=str(path)
    )
    for a, b in zip(model.weights, again.weights):
        assert (keras.ops.convert_to_numpy(a) == keras.ops.convert_to_numpy(b)).all()


def test_random_weights_are_positive_seeded_and_fit_the_model():
    inputs = keras.Input(shape=(4, 4, 3))
    x = keras.layers.BatchNormalization()(keras.layers.Conv2D(2, 3)(inputs))
    model = keras.Model(inputs, x)
    values = dl.weights.random_weights(model, seed=1)
    model.set_weights(values)  # raises if a shape is wrong
    assert [v.shape for v in values] == [tuple(w.shape) for w in model.weights]
    assert all(((v >= 0.5) & (v < 1.5)).all() for v in values)
    again = dl.weights.random_weights(model, seed=1)
    assert all((a == b).all() for a, b in zip(values, again))
    with pytest.raises(ValueError, match="model"):
        dl.weights.random_weights("model")


def test_imagenet_weights_offline_say_what_failed_and_how_to_pass_a_path(monkeypatch):
    """No network here: keras.applications' download fails as it would offline."""
    from keras.src.utils import file_utils

    url = "https://example.invalid/densenet121_weights_tf_dim_ordering_tf_kernels.h5"

    def offline(fname, origin=None, **kwargs):
        raise Exception(f"URL fetch failure on {url}: None -- no network")

    monkeypatch.setattr(file_utils, "get_file", offline)
    with pytest.raises(ValueError, match="weights='imagenet'") as error:
        dl.DenseNet121(weights="imagenet")
    message = str(error.value)
    assert url in message and "\n" not in message
    assert "DenseNet121(weights='/path/to/densenet121_weights_tf" in message


@pytest.mark.parametrize("source, target", [(3, 4), ("a", None)])
def test_transfer_weights_needs_two_models(source, target):
    with pytest.raises(ValueError, match="source must be a built keras.Model"):
        dl.transfer_weights(source, target)
