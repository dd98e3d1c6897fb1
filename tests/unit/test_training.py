"""Training: the paper's recipe, kill-and-resume, and two devices."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

import densenet_lib as dl

SCRIPT = Path(__file__).with_name("train_tiny.py")


def start(*args, **env):
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **env},
    )


def finish(process, timeout=600):
    out, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, out[-3000:]
    return out


def weights(path):
    with np.load(path) as f:
        return [f[k] for k in sorted(f.files, key=lambda k: int(k.split("_")[1]))]


def test_a_killed_run_resumes_and_ends_with_the_same_weights(tmp_path):
    epochs = 4
    uninterrupted = finish(start("-", tmp_path / "a.npz", epochs))
    assert uninterrupted.count("EPOCH_END") == epochs

    backup = tmp_path / "backup"
    process = start(backup, tmp_path / "b.npz", epochs)
    for (
        line
    ) in process.stdout:  # kill it as soon as epoch 1 (the second) has been backed up
        if line.startswith("EPOCH_END 1"):
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert (backup / "latest.weights.h5").exists()

    resumed = finish(start(backup, tmp_path / "b.npz", epochs))
    begins = [
        int(line.split()[1])
        for line in resumed.splitlines()
        if line.startswith("EPOCH_BEGIN")
    ]
    assert begins == [2, 3], resumed[-2000:]  # it picked up after the last backup
    for a, b in zip(
        weights(tmp_path / "a.npz"), weights(tmp_path / "b.npz"), strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    assert not backup.exists()  # the backup is removed once training has finished


@pytest.mark.skipif(
    keras.backend.backend() == "torch",
    reason="Keras' PyTorch backend has no distribution engine (fit trains on one GPU)",
)
def test_training_on_two_logical_devices(tmp_path):
    out = finish(start("-", tmp_path / "c.npz", 1, "--devices", 2))
    assert "REPLICAS 2" in out and "DONE" in out
    assert all(np.isfinite(w).all() for w in weights(tmp_path / "c.npz"))


def test_paper_recipe_schedule():
    recipe = dl.training.PAPER_RECIPE
    assert (recipe.epochs, recipe.batch_size, recipe.momentum, recipe.nesterov) == (
        300,
        64,
        0.9,
        True,
    )
    assert recipe.drop_epochs == [150, 225]  # 50 % and 75 % of 300 epochs
    schedule = recipe.learning_rate_schedule(steps_per_epoch=10)

    def lr(step):
        return float(keras.ops.convert_to_numpy(schedule(step)))

    # 0.1, divided by 10 at 50 % (epoch 150) and 75 % (epoch 225) of the epochs.
    assert lr(0) == pytest.approx(0.1) and lr(1499) == pytest.approx(0.1)
    # The step counter is 0 in the first step: step 1500 is the first of epoch 150.
    assert lr(1500) == pytest.approx(0.01) and lr(2249) == pytest.approx(0.01)
    assert lr(2250) == pytest.approx(0.001)
    assert (
        recipe.dropout_rate == 0.0 and recipe.replace(augment=False).dropout_rate == 0.2
    )
    # An explicit choice wins.
    assert recipe.replace(augment=False, dropout=0.0).dropout_rate == 0.0
    # Torch's running averages: 0.9 * old + 0.1 * batch.
    assert recipe.bn_momentum == 0.9
    with pytest.raises(ValueError, match="epochs"):
        dl.training.Recipe(epochs=0)
    with pytest.raises(ValueError, match="dropout"):
        dl.training.Recipe(dropout=1.5)


def test_weight_decay_is_coupled_l2_on_every_variable():
    model = dl.DenseNet(
        blocks=(1,), growth_rate=2, stem="cifar", classes=3, input_shape=(8, 8, 3)
    )
    dl.training.apply_weight_decay(model, 1e-4)
    expected = sum(
        0.5e-4 * float(np.sum(keras.ops.convert_to_numpy(w) ** 2))
        for w in model.trainable_weights
    )
    actual = float(sum(keras.ops.convert_to_numpy(loss) for loss in model.losses))
    assert actual == pytest.approx(expected, rel=1e-5)
    assert len(model.losses) == len(model.trainable_weights)


def test_he_initialization_matches_fan_out():
    model = dl.DenseNet(
        blocks=(4,),
        growth_rate=32,
        init_channels=64,
        stem="cifar",
        input_shape=(8, 8, 3),
    )
    dl.training.he_initialize(model, seed=1)
    # 3x3, 128 -> 32 channels.
    kernel = keras.ops.convert_to_numpy(model.get_layer("conv2_block1_2_conv").kernel)
    assert kernel.std() == pytest.approx(np.sqrt(2 / (3 * 3 * 32)), rel=0.05)


@pytest.mark.parametrize(
    "capability,policy",
    [
        ((7, 5), "mixed_float16"),  # T4 (Colab's free tier)
        ((7, 0), "mixed_float16"),  # V100
        ((8, 0), "mixed_bfloat16"),  # A100
        ((8, 6), "mixed_bfloat16"),
        ((9, 0), "mixed_bfloat16"),  # H100, H200
        (None, "mixed_float16"),  # unknown: what every GPU computes
    ],
)
@pytest.mark.backend_independent
def test_mixed_precision_is_bfloat16_from_compute_capability_8(capability, policy):
    assert dl.training.mixed_precision_policy(capability) == policy


def test_compute_capability_is_none_without_a_gpu_else_a_pair():
    capability = dl.profiles.gpu_compute_capability()
    if dl.profiles.gpu_count() == 0:
        assert capability is None
    else:
        assert isinstance(capability, tuple) and len(capability) == 2
        assert all(isinstance(v, int) for v in capability)
    assert dl.profiles._capability("8.6") == (8, 6)
    assert dl.profiles._capability("[N/A]") is None
