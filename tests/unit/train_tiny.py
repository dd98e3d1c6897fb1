"""A tiny, real training run for the resume and multi-device tests.

    python train_tiny.py BACKUP_DIR|- OUT.npz EPOCHS [--devices 2]

Prints "EPOCH_BEGIN n" / "EPOCH_END n" as it goes and saves the final weights.
"""

import argparse
import os

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
parser = argparse.ArgumentParser()
parser.add_argument("backup")
parser.add_argument("out")
parser.add_argument("epochs", type=int)
parser.add_argument("--devices", type=int, default=1)
args = parser.parse_args()

distribution = None
if args.devices > 1:
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend == "jax":
        os.environ["XLA_FLAGS"] = (
            os.environ.get("XLA_FLAGS", "")
            + f" --xla_force_host_platform_device_count={args.devices}"
        )
        import keras

        devices = keras.distribution.list_devices("cpu")
        distribution = keras.distribution.DataParallel(devices=devices)
    else:
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * args.devices
        )
        distribution = tf.distribute.MirroredStrategy(
            [f"/cpu:{i}" for i in range(args.devices)]
        )
    print(
        "REPLICAS",
        args.devices if backend == "jax" else distribution.num_replicas_in_sync,
        flush=True,
    )

# Only now: the device set-up above must come before Keras loads its backend.
import keras  # noqa: E402

import densenet_lib as dl  # noqa: E402


class Report(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        print("EPOCH_BEGIN", epoch, flush=True)

    def on_epoch_end(self, epoch, logs=None):
        print("EPOCH_END", epoch, f"loss={logs['loss']:.4f}", flush=True)


data = dl.data.load_digits32().subset(train=192, test=64).normalized()
recipe = dl.training.Recipe(epochs=args.epochs, batch_size=32)


def build(dropout_rate):
    return dl.DenseNet(
        blocks=(2, 2),
        growth_rate=4,
        stem="cifar",
        classes=10,
        input_shape=(32, 32, 3),
        dropout_rate=dropout_rate,
    )


model, history = dl.training.fit(
    build,
    data,
    recipe,
    backup_dir=None if args.backup == "-" else args.backup,
    seed=0,
    distribution=distribution,
    accelerate=False,
    verbose=0,
    callbacks=[Report()],
)
np.savez(args.out, *[keras.ops.convert_to_numpy(w) for w in model.weights])
print("DONE", flush=True)
