import pytest

from densenet_lib.tables import text_table


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
