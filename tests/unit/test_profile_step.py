"""benchmarks/profile_step.py: what kind each profiled op is counted as.

The op names are as the profilers report them (TensorFlow's ``name:Type``
events of a Keras 3 model, torchvision's ATen ops)."""

import pytest

from benchmarks.profile_step import KINDS, OTHER_KINDS, _summed, kind_of

pytestmark = pytest.mark.backend_independent

MODEL = "densenet_bc100_k12_1"


@pytest.mark.parametrize(
    "op,name,kind",
    [
        (
            "_MklNativeConv2D",
            f"{MODEL}/conv2_block1_1_conv_1/convolution",
            "convolution",
        ),
        (
            "_MklNativeConv2DBackpropFilter",
            f"gradient_tape/{MODEL}/pool2_conv_1/convolution/Conv2DBackpropFilter",
            "convolution",
        ),
        (
            "Mul",
            f"gradient_tape/{MODEL}/conv2_block16_0_bn_1/batchnorm/mul_1/Mul",
            "batch norm",
        ),
        (
            "Tile",
            f"gradient_tape/{MODEL}/conv2_block3_0_bn_1/moments/Tile",
            "batch norm",
        ),
        ("Mul", f"{MODEL}/conv2_block4_1_conv_1/mul", "batch norm"),  # fused scale
        ("ReluGrad", f"gradient_tape/{MODEL}/conv2_block1_0_relu_1/ReluGrad", "ReLU"),
        ("ConcatV2", f"{MODEL}/conv2_block1_concat_1/concat", "concatenation"),
        ("Slice", "gradient_tape/concat/Slice_3", "concatenation"),
        ("Mean", f"{MODEL}/avg_pool_1/Mean", "pooling, classifier, loss"),
        ("Mul", "sgd/Mul_188", "optimizer"),
        ("AddV2", "add_17", "recomputation outside layer scopes"),
        ("Mul", "gradient_tape/mul_3/Mul", "recomputation outside layer scopes"),
        ("AddN", "AddN_12", "other"),
        ("aten::convolution_backward", "", "convolution"),
        ("aten::native_batch_norm_backward", "", "batch norm"),
        ("aten::threshold_backward", "", "ReLU"),
        ("aten::cat", "", "concatenation"),
        ("aten::adaptive_avg_pool2d", "", "pooling, classifier, loss"),
        ("Optimizer.step#SGD.step", "", "optimizer"),
        ("aten::empty", "", "other"),
    ],
)
def test_each_op_is_counted_as_its_kind(op, name, kind):
    assert kind_of(op, name) == kind


def test_summed_gives_milliseconds_per_step_that_add_up():
    ops = [("Conv2D", f"{MODEL}/c_1/convolution", 3000.0), ("AddN", "AddN", 1500.0)]
    result = _summed({"steps": 3}, ops)
    assert result["ms_per_step"] == {"convolution": 1.0, "other": 0.5}
    assert result["total_ms"] == 1.5
    assert set(result["ms_per_step"]) <= {k for k, _ in KINDS} | set(OTHER_KINDS)
