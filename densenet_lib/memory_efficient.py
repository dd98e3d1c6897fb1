"""Memory-efficient dense layers: recompute BN-ReLU-Conv in the backward pass.

Pleiss et al. 2017, "Memory-Efficient Implementation of DenseNets": a naive
dense layer stores the *concatenation* [x_0, ..., x_{l-1}] of its inputs, its
batch-normalized copy and the ReLU of that, three tensors of k_0 + k(l - 1)
channels per layer, so a Dense Block's stored feature maps grow quadratically
with its depth. The paper keeps only the feature maps x_0, ..., x_{l-1}
themselves (its "shared memory storage") and *recomputes* the concatenation,
BN and ReLU in the backward pass, which are cheap elementwise operations.

Here a dense layer's first composite function, concatenation -> BN -> ReLU ->
Conv (the bottleneck's Conv1x1, or a plain layer's Conv3x3), is two layers
with the naive model's names and variables, so weights move across by name:

- ``{name}_0_bn``, :class:`BatchNormScaleShift`: a ``BatchNormalization``
  with the same four variables (γ, β, moving mean, moving variance). In
  training it computes the batch moments of the concatenation (recomputed
  in the backward pass, so autodiff keeps no copy of it), updates the moving
  averages *once*, as ``BatchNormalization`` does, and returns BN as a
  per-channel affine map ``(scale, shift)``: ``scale = γ / sqrt(σ² + ε)``,
  ``shift = β - μ · scale``. At inference μ, σ² are the moving averages.
- ``{name}_1_conv`` (``{name}_2_conv`` for a plain layer),
  :class:`FusedBNReLUConv`: a ``Conv2D`` with the same kernel whose call is
  ``conv(relu(concat(x_0, ..., x_{l-1}) · scale + shift))``, a pure
  function of tensors wrapped in ``keras.remat`` (``jax.checkpoint`` on JAX,
  ``tf.recompute_grad`` on TensorFlow, ``torch.utils.checkpoint`` on
  PyTorch): it stores its inputs (the feature maps, stored once anyway, and
  two vectors) and recomputes the concatenation, BN and ReLU when the
  gradient needs them.

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
    """Per-channel batch mean and variance of the concatenation, in float32.

    What ``BatchNormalization`` computes in training (float16 inputs are
    upcast first). Shapes: [(b, h, w, c_i)] -> ((c,), (c,)), c = sum c_i.
    """
    x = _concat(feature_maps)
    x = ops.cast(x, keras.backend.result_type(x.dtype, "float32"))
    return ops.moments(x, axes=[0, 1, 2])


def _feature_maps(inputs) -> list:
    """A tensor or a list of tensors -> the list of feature maps."""
    return list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]


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


@_saved_as(layers.BatchNormalization)
class BatchNormScaleShift(layers.BatchNormalization):
    """The BN of a memory-efficient dense layer, as a per-channel affine map.

    Same variables, in the same order, as ``BatchNormalization`` (γ, β,
    moving mean, moving variance) and the same moving-average update, but
    called on the feature maps [x_0, ..., x_{l-1}] it returns
    ``(scale, shift)`` with ``BN(concat(x)) = concat(x) · scale + shift``
    (Pleiss et al.'s "batch normalization" step, whose application moves
    into :class:`FusedBNReLUConv`).
    Shapes: [(b, h, w, c_i)] -> ((c,), (c,)), c = sum c_i, in float32.
    """

    def build(self, input_shape):
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        channels = sum(shape[-1] for shape in shapes)
        super().build(tuple(shapes[0][:-1]) + (channels,))
        self.input_spec = None  # a list of feature maps, not one tensor

    def compute_output_spec(self, inputs, training=None, mask=None):
        channels = sum(m.shape[-1] for m in _feature_maps(inputs))
        return tuple(keras.KerasTensor((channels,), "float32") for _ in range(2))

    def call(self, inputs, training=None, mask=None):
        maps = _feature_maps(inputs)
        moving_mean = ops.cast(self.moving_mean, "float32")
        moving_variance = ops.cast(self.moving_variance, "float32")
        if training and self.trainable:
            # Recomputed in the backward pass: the variance's gradient would
            # otherwise keep x - μ, a copy of the whole concatenation.
            mean, variance = keras.remat(_batch_moments)(*maps)
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
    Shapes: [(b, h, w, c_i)] + [(c,), (c,)] -> (b, h, w, filters).
    """

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

    def compute_output_shape(self, input_shape):
        return super().compute_output_shape(self._concat_shape(input_shape))

    def _bn_relu_conv(self, *args):
        """The recomputed function: pure in (x_0, ..., scale, shift, kernel)."""
        *maps, scale, shift, kernel = args
        x = _concat(maps)
        x = ops.cast(x, scale.dtype) * scale + shift
        x = ops.cast(ops.relu(x), self.compute_dtype)
        return self.convolution_op(x, kernel)

    def call(self, inputs):
        *maps, scale, shift = inputs
        maps = [ops.cast(m, self.compute_dtype) for m in maps]
        kernel = ops.cast(self.kernel, self.compute_dtype)
        return keras.remat(self._bn_relu_conv)(*maps, scale, shift, kernel)
