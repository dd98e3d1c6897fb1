"""Memory-efficient dense layers: recompute BN-ReLU-Conv in the backward pass.

Pleiss et al. 2017, "Memory-Efficient Implementation of DenseNets": a naive
dense layer stores the *concatenation* [x_0, ..., x_{l-1}] of its inputs, its
batch-normalized copy and the ReLU of that, three tensors of k_0 + k(l - 1)
channels per layer, so a Dense Block's stored feature maps grow quadratically
with its depth. The paper keeps only the feature maps x_0, ..., x_{l-1}
themselves (its "shared memory storage") and *recomputes* the concatenation,
BN and ReLU in the backward pass, which are cheap elementwise operations.
A bottleneck layer also stores, naively, the BN and the ReLU of its Conv1x1
output (4k channels each); they are recomputed here too (further than
Pleiss et al. and than LuaTorch's ``optMemory`` 4, which re-forwards only
the BN before each 1x1 conv), so a dense layer stores only the outputs of
its two convolutions.

Here a dense layer's first composite function, concatenation -> BN -> ReLU ->
Conv (the bottleneck's Conv1x1, or a plain layer's Conv3x3), is two layers
with the naive model's names and variables, so weights move across by name,
fed by one weightless layer per chunk of channels (a bottleneck's second,
BN -> ReLU -> Conv3x3 on the Conv1x1's output, is built the same way:
``{name}_1_moments``, ``{name}_1_bn``, ``{name}_2_conv``):

- ``{chunk}_moments``, :class:`ChunkMoments`: the batch mean and variance
  of one chunk (the block input x_0, or one layer's k new maps), computed
  once when the chunk is made and recomputed in the backward pass, so
  autodiff keeps no copy of it. A channel's moments are the same for every
  later layer that reads it.
- ``{name}_0_bn``, :class:`BatchNormScaleShift`: a ``BatchNormalization``
  with the same four variables (γ, β, moving mean, moving variance). In
  training it concatenates the chunks' moments (the moments of the
  concatenation), updates the moving averages *once*, as
  ``BatchNormalization`` does, and returns BN as a per-channel affine map
  ``(scale, shift)``: ``scale = γ / sqrt(σ² + ε)``, ``shift = β - μ · scale``.
  At inference μ, σ² are the moving averages.
- ``{name}_1_conv`` (``{name}_2_conv`` for a plain layer),
  :class:`FusedBNReLUConv`: a ``Conv2D`` with the same kernel whose call is
  ``conv(relu(concat(x_0, ..., x_{l-1}) · scale + shift))``, a pure
  function of tensors wrapped in ``keras.remat`` (``jax.checkpoint`` on JAX,
  ``tf.recompute_grad`` on TensorFlow, ``torch.utils.checkpoint`` on
  PyTorch): it stores its inputs (the feature maps, stored once anyway, and
  two vectors) and recomputes the concatenation, BN and ReLU when the
  gradient needs them. It passes the feature maps on to the next layer, so
  that each has one reader and its gradients are summed as they arrive.

The variables reach the recomputed functions as tensors, passed
positionally, and no variable is assigned inside them: JAX's checkpoint
would leak the assignment (``UnexpectedTracerError``), and TensorFlow's
``custom_gradient`` rejects keyword arguments (keras-team/keras#21207, why
``keras.RematScope`` is not used). The moving averages are updated outside
any recomputed region, so exactly once per training step.
"""

from __future__ import annotations

import keras
from keras import layers, ops


def _concat(feature_maps):
    """[x_0, ..., x_{l-1}] -> their concatenation on the channel axis.

    Shapes: [(b, h, w, c_i)] -> (b, h, w, sum c_i).
    """
    if len(feature_maps) == 1:
        return feature_maps[0]
    return ops.concatenate(list(feature_maps), axis=-1)


def _batch_moments(*feature_maps):
    """Per-channel batch mean and variance of the (concatenated) maps, float32.

    What ``BatchNormalization`` computes in training (float16 inputs are
    upcast first). Shapes: [(b, h, w, c_i)] -> ((c,), (c,)), c = sum c_i.
    """
    x = _concat(feature_maps)
    x = ops.cast(x, keras.backend.result_type(x.dtype, "float32"))
    return ops.moments(x, axes=[0, 1, 2])


def _saved_as(keras_class):
    """Make a subclass of ``keras_class`` save its variables under its name.

    ``save_weights`` files key each layer by its class name
    (``layers/batch_normalization_3/vars/0``), not by its layer name; so that
    ``.weights.h5`` files move between the naive and the memory-efficient
    model, the two subclasses below answer to ``__name__`` as the Keras class
    they extend (``__qualname__`` and the registered name stay their own, so
    ``.keras`` files rebuild them).
    """

    def decorate(cls):
        cls = keras.saving.register_keras_serializable(
            package="densenet_lib", name=cls.__qualname__
        )(cls)
        cls.__name__ = keras_class.__name__
        return cls

    return decorate


@keras.saving.register_keras_serializable(package="densenet_lib")
class ChunkMoments(layers.Layer):
    """The batch moments of one chunk of a Dense Block's channels.

    A chunk is the block input x_0 or one layer's k new maps x_l. In
    training, the BN of every later layer normalizes the concatenation
    [x_0, ..., x_{l-1}] channel by channel with its batch moments, and a
    channel's batch mean and variance are the same whichever layer reads it;
    so they are computed once per chunk, here, when the chunk is made: O(L)
    statistics work per block instead of O(L²), the same numbers. Recomputed
    in the backward pass (``keras.remat``), so autodiff keeps no copy
    x - μ of the chunk. No variables; named ``{chunk}_moments``. At inference
    BN uses its moving averages, and this layer returns zeros.
    Shapes: (b, h, w, c) -> ((c,), (c,)), in float32.
    """

    def compute_output_spec(self, x, training=None):
        return tuple(keras.KerasTensor((x.shape[-1],), "float32") for _ in range(2))

    def call(self, x, training=None):
        if training:
            return keras.remat(_batch_moments)(x)
        zeros = ops.zeros((x.shape[-1],), "float32")
        return zeros, zeros


@_saved_as(layers.BatchNormalization)
class BatchNormScaleShift(layers.BatchNormalization):
    """The BN of a memory-efficient dense layer, as a per-channel affine map.

    Same variables, in the same order, as ``BatchNormalization`` (γ, β,
    moving mean, moving variance) and the same moving-average update, done
    once per step, outside any recomputed region. Called on the batch moments
    of the chunks [x_0, ..., x_{l-1}] (:class:`ChunkMoments`, flattened:
    ``[μ_0, σ²_0, μ_1, σ²_1, ...]``), whose concatenations are the moments of
    the concatenated input, it returns ``(scale, shift)`` with
    ``BN(concat(x)) = concat(x) · scale + shift`` (Pleiss et al.'s "batch
    normalization" step, whose application moves into
    :class:`FusedBNReLUConv`).
    Shapes: [(c_0,), (c_0,), (c_1,), ...] -> ((c,), (c,)), c = sum c_i, float32.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._convert_input_args = False  # the moments stay float32

    def build(self, input_shape):
        channels = sum(shape[-1] for shape in input_shape[0::2])
        super().build((None, channels))
        self.input_spec = None  # a list of moment vectors, not one tensor

    def compute_output_spec(self, inputs, training=None, mask=None):
        channels = sum(m.shape[-1] for m in inputs[0::2])
        return tuple(keras.KerasTensor((channels,), "float32") for _ in range(2))

    def call(self, inputs, training=None, mask=None):
        moving_mean = ops.cast(self.moving_mean, "float32")
        moving_variance = ops.cast(self.moving_variance, "float32")
        if training and self.trainable:
            mean, variance = _concat(inputs[0::2]), _concat(inputs[1::2])
            self.moving_mean.assign(
                moving_mean * self.momentum + mean * (1.0 - self.momentum)
            )
            self.moving_variance.assign(
                moving_variance * self.momentum + variance * (1.0 - self.momentum)
            )
        else:
            mean, variance = moving_mean, moving_variance
        # tf.nn.batch_normalization's (and Keras' JAX backend's) arithmetic.
        scale = ops.rsqrt(variance + self.epsilon)
        if self.scale:
            scale = scale * ops.cast(self.gamma, "float32")
        shift = -mean * scale
        if self.center:
            shift = shift + ops.cast(self.beta, "float32")
        return scale, shift


@_saved_as(layers.Conv2D)
class FusedBNReLUConv(layers.Conv2D):
    """concat -> BN -> ReLU -> Conv, recomputed in the backward pass.

    A ``Conv2D`` (same kernel, same name as the naive model's) called on
    ``[x_0, ..., x_{l-1}, scale, shift]``, the feature maps and the output of
    :class:`BatchNormScaleShift`. It stores only those inputs: the
    concatenation, its normalized copy and the ReLU of it (the convolution's
    input, which the convolution's backward needs) are recomputed by
    ``keras.remat``. Pleiss et al.'s "shared memory storage" for the
    concatenation and for the BN output, as recomputation.

    It returns the new maps *and the feature maps it read*, unchanged (the
    same tensors), which the next layer reads in turn. So each x_i has one
    reader, and in the backward pass the gradients of x_i from all the later
    layers are summed as they arrive, one per layer, into one tensor. Read
    by every later layer directly, x_i would collect L - i gradients that
    an autodiff tape may keep until the last one comes (TensorFlow's does,
    below 128 MB): O(L²) memory again.
    Shapes: [(b, h, w, c_i)] + [(c,), (c,)] -> [(b, h, w, filters), (b, h, w, c_i)...].
    """

    new_outputs = 1
    """Outputs that are new tensors (the rest are its inputs, passed on)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.use_bias:
            raise ValueError("FusedBNReLUConv has no bias (use_bias=False)")
        # scale and shift stay float32 under mixed precision, as BN computes.
        self._convert_input_args = False
        self.input_spec = None  # feature maps and two vectors, not one tensor

    @staticmethod
    def _concat_shape(input_shape) -> tuple:
        """The shape of the concatenation, from the shapes of the inputs."""
        if not isinstance(input_shape[0], (list, tuple)):
            return tuple(input_shape)  # already one shape (Conv2D.build's call)
        *shapes, _, _ = input_shape
        return tuple(shapes[0][:-1]) + (sum(shape[-1] for shape in shapes),)

    def build(self, input_shape):
        super().build(self._concat_shape(input_shape))
        self.input_spec = None

    def compute_output_spec(self, inputs):
        *maps, _, _ = inputs
        shape = super().compute_output_shape(
            self._concat_shape([tuple(m.shape) for m in maps] + [None, None])
        )
        return [
            keras.KerasTensor(shape, self.compute_dtype),
            *(keras.KerasTensor(m.shape, self.compute_dtype) for m in maps),
        ]

    def _bn_relu_conv(self, *args):
        """The recomputed function: pure in (x_0, ..., scale, shift, kernel)."""
        *maps, scale, shift, kernel = args
        x = _concat(maps)
        x = ops.cast(x, scale.dtype) * scale + shift
        x = ops.cast(ops.relu(x), self.compute_dtype)
        return self.convolution_op(x, kernel), *maps

    def call(self, inputs):
        *maps, scale, shift = inputs
        maps = [ops.cast(m, self.compute_dtype) for m in maps]
        kernel = ops.cast(self.kernel, self.compute_dtype)
        return list(keras.remat(self._bn_relu_conv)(*maps, scale, shift, kernel))
