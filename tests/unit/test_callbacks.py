"""The callbacks chapter 6 uses to stage a lost runtime and its resumption."""

import numpy as np
import pytest

import densenet_lib as dl
from densenet_lib.callbacks import Disconnect, Disconnected, EpochLog


def tiny_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 8, 8, 3)).astype("float32")
    y = rng.integers(0, 2, size=16)
    return dl.data.ImageData(
        "tiny", x, y, x[:4], y[:4], classes=2, description="random"
    )


def build(dropout_rate):
    return dl.DenseNet(
        blocks=(1,),
        growth_rate=2,
        stem="cifar",
        classes=2,
        input_shape=(8, 8, 3),
        dropout_rate=dropout_rate,
    )


def test_disconnect_stops_after_the_epoch_and_fit_resumes_from_the_backup(tmp_path):
    recipe = dl.training.Recipe(epochs=3, batch_size=8, augment=False)
    quiet = dict(backup_dir=tmp_path / "backup", accelerate=False, verbose=0)
    first, second = EpochLog(), EpochLog()
    with pytest.raises(Disconnected, match="after epoch 2"):
        dl.training.fit(
            build, tiny_data(), recipe, callbacks=[first, Disconnect(2)], **quiet
        )
    assert first.started == [0, 1]
    dl.training.fit(build, tiny_data(), recipe, callbacks=[second], **quiet)
    assert second.started == [2]


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_disconnect_needs_a_positive_epoch(bad):
    with pytest.raises(ValueError, match="after_epoch"):
        Disconnect(bad)
