import pytest

import densenet_lib as dl
from densenet_lib import tables
from densenet_lib.tables import text_table

# Shapes, counts and arithmetic: the same on every Keras backend, so the
# Makefile runs this file on TensorFlow only (pyproject.toml, markers).
pytestmark = pytest.mark.backend_independent


def test_text_table_aligns_and_separates_thousands():
    table = text_table(["model", "params", "error"], [["a", 1234567, "4.51"]])
    assert table.splitlines() == [
        "model     params  error",
        "a      1,234,567   4.51",
    ]


def test_text_table_keeps_booleans_and_strings_as_they_are():
    assert text_table(["x", "y"], [[True, "7"]]).splitlines()[1] == "True  7"


def test_text_table_refuses_ragged_rows():
    with pytest.raises(ValueError, match=r"rows\[1\] must have 2 cells"):
        text_table(["x", "y"], [[1, 2], [3]])


def test_text_table_aligns_as_asked_and_refuses_a_bad_alignment():
    table = text_table(["a", "b", "c"], [["x", "long", 1]], align="llr")
    assert table.splitlines() == ["a  b     c", "x  long  1"]
    with pytest.raises(ValueError, match="align"):
        text_table(["a", "b"], [], align="lc")


def test_table1_regenerated_for_densenet121_has_the_known_channels():
    plan = dl.channel_plan(dl.imagenet_config(121))
    column = tables.table1_column(plan)
    sizes = [size for size, _ in column]
    assert sizes == ["112²", "56²", "56²", "56² → 28²", "28²", "28² → 14²"] + [
        "14²",
        "14² → 7²",
        "7²",
        "1²",
    ]
    # keras.applications' DenseNet121: conv1 64, blocks 256/512/1024/1024,
    # transitions 128/256/512, 1000 classes.
    channels = [c for _, c in column]
    assert channels == [64, 64, "6 → 256", 128, "12 → 512", 256, "24 → 1024", 512] + [
        "16 → 1024",
        1000,
    ]
    header, rows = tables.table1({121: plan})
    assert header == ["", "output", "operation", "DN-121"]
    assert rows[0][:3] == ["Convolution", "112²", "7×7 conv, stride 2"]
    assert rows[-3][-1] == 121  # layers L


def test_table1_needs_an_imagenet_plan_with_a_size():
    cifar = dl.channel_plan(dl.densenet_cifar_config(depth=40, bottleneck=False))
    with pytest.raises(ValueError, match="plan must be"):
        tables.table1_column(cifar)
