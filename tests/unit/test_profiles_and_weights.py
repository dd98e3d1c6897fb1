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
