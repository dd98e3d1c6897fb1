"""paper.TABLE3, paper.FB_RESNET_TORCH and paper.figure3_points (the paper's
Figure 3), checked against published counts: torchvision's model metadata,
keras.applications' built ResNets, the ResNet paper and the DenseNet paper's
own text."""

import keras
import pytest
from conftest import weight_count

import densenet_lib as dl
from densenet_lib import paper

# Shapes, counts and arithmetic: the same on every Keras backend, so the
# Makefile runs this file on TensorFlow only (pyproject.toml, markers).
pytestmark = pytest.mark.backend_independent

# torchvision.models.<Name>_Weights.IMAGENET1K_V1.meta: "num_params" and
# "_ops" (GFLOPS, i.e. giga multiply-adds of one 224 x 224 image), as
# published in pytorch/vision torchvision/models/{resnet,densenet}.py and the
# table at pytorch.org/vision/stable/models.html. torchvision's ResNets are
# fb.resnet.torch's architecture; its DenseNets carry weights "ported from
# LuaTorch", the paper's own models.
TORCHVISION = {
    "ResNet-18": (11_689_512, 1.814),
    "ResNet-34": (21_797_672, 3.664),
    "ResNet-50": (25_557_032, 4.089),
    "ResNet-101": (44_549_160, 7.801),
    "ResNet-152": (60_192_808, 11.513),
    "DenseNet-121": (7_978_856, 2.834),
    "DenseNet-169": (14_149_480, 3.36),
    "DenseNet-201": (20_013_928, 4.291),
}

# He et al. 2016, Table 1, last row: "FLOPs" of the ImageNet ResNets (x 10^9).
RESNET_PAPER_FLOPS = {18: 1.8, 34: 3.6, 50: 3.8, 101: 7.6, 152: 11.3}


@pytest.mark.parametrize("depth", [18, 34, 50, 101, 152])
def test_resnet_counts_match_torchvision(depth):
    params, macs = paper.resnet_imagenet_cost(depth)
    published_params, gflops = TORCHVISION[f"ResNet-{depth}"]
    assert params == published_params
    assert macs / 1e9 == pytest.approx(gflops, abs=1e-3)  # to its last digit
    # The ResNet paper's "FLOPs" are multiply-adds too: within 10 % of ours
    # (its ResNet-50..152 stride in the first 1x1, fb.resnet.torch in the 3x3),
    # nowhere near the 2x a count of additions and multiplications would give.
    assert macs / 1e9 == pytest.approx(RESNET_PAPER_FLOPS[depth], rel=0.1)


@pytest.mark.parametrize("name", ["ResNet50", "ResNet101", "ResNet152"])
def test_resnet_params_match_keras_applications(name):
    model = getattr(keras.applications, name)(weights=None, input_shape=(32, 32, 3))
    # keras.applications' ResNet convolutions carry a bias (each is followed
    # by BN, which makes it redundant); fb.resnet.torch's have none.
    conv_biases = sum(
        layer.bias.shape[0]
        for layer in model.layers
        if isinstance(layer, keras.layers.Conv2D) and layer.use_bias
    )
    learned = weight_count(model.trainable_weights)
    depth = int(name[len("ResNet") :])
    assert paper.resnet_imagenet_cost(depth)[0] == learned - conv_biases


def test_densenet_points_match_torchvision_and_the_plan():
    points = {p.model: p for p in paper.figure3_points()}
    for name in ("DenseNet-121", "DenseNet-169", "DenseNet-201"):
        published_params, gflops = TORCHVISION[name]
        assert points[name].params == published_params
        assert points[name].macs / 1e9 == pytest.approx(gflops, abs=1e-3)
    # DenseNet-264 has no torchvision twin: the plan equals a built model.
    model = dl.DenseNet264(input_shape=(224, 224, 3))
    assert points["DenseNet-264"].params == weight_count(model.trainable_weights)
    assert points["DenseNet-264"].macs == dl.counting.model_macs(model)


def test_figure3_points_are_the_papers():
    points = paper.figure3_points()
    assert [p.model for p in points] == [
        "DenseNet-121",
        "DenseNet-169",
        "DenseNet-201",
        "DenseNet-264",
        "ResNet-34",
        "ResNet-50",
        "ResNet-101",
        "ResNet-152",
    ]
    assert {p.family for p in points} == {"DenseNet", "ResNet"}
    by = {p.model: p for p in points}
    for row in paper.TABLE3:
        assert by[row.model].top1_error == row.top1_single_crop
    # Sec. 4.4: "a DenseNet-201 with 20M parameters model yields similar
    # validation error as a 101-layer ResNet with more than 40M parameters".
    assert round(by["DenseNet-201"].params / 1e6) == 20
    assert by["ResNet-101"].params > 40e6
    assert abs(by["DenseNet-201"].top1_error - by["ResNet-101"].top1_error) < 0.5
    # "a DenseNet that requires as much computation as a ResNet-50 performs on
    # par with a ResNet-101, which requires twice as much computation".
    assert by["DenseNet-201"].macs == pytest.approx(by["ResNet-50"].macs, rel=0.1)
    assert by["ResNet-101"].macs / by["ResNet-50"].macs == pytest.approx(2, rel=0.1)
    # A smaller input costs fewer multiply-adds, the same parameters.
    small = {p.model: p for p in paper.figure3_points(input_size=112)}
    assert small["ResNet-50"].params == by["ResNet-50"].params
    assert small["DenseNet-121"].macs < by["DenseNet-121"].macs / 3


def test_error_tables_are_consistent():
    assert [row.depth for row in paper.TABLE3] == list(paper.TABLE1_BLOCKS)
    assert paper.table3(121).model == "DenseNet-121"
    for table in (paper.TABLE3, paper.FB_RESNET_TORCH):
        for row in table:
            assert row.top1_10_crop < row.top1_single_crop  # 10-crop helps
            assert row.top5_single_crop < row.top1_single_crop
            assert row.top5_10_crop < row.top5_single_crop
        errors = [row.top1_single_crop for row in table]
        assert errors == sorted(errors, reverse=True)  # deeper is better
    assert [row.depth for row in paper.FB_RESNET_TORCH] == list(paper.RESNET_STAGES)


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="depth"):
        paper.resnet_imagenet_cost(20)
    with pytest.raises(ValueError, match="input_size"):
        paper.resnet_imagenet_cost(50, input_size=0)
    with pytest.raises(ValueError, match="classes"):
        paper.resnet_imagenet_cost(50, classes=0)
    with pytest.raises(ValueError, match="depth"):
        paper.table3(100)
    with pytest.raises(ValueError, match="input_size"):
        paper.figure3_points(input_size=16)
