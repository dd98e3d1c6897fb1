"""figures.draw_densenet (the paper's Figure 2 for any configuration): it draws,
and its labels are the channel counts and sizes the paper's Table 1 implies."""

import matplotlib
import pytest

import densenet_lib as dl
from densenet_lib import figures

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Shapes, counts and arithmetic: the same on every Keras backend, so the
# Makefile runs this file on TensorFlow only (pyproject.toml, markers).
pytestmark = pytest.mark.backend_independent


def texts(ax):
    return [t.get_text() for t in ax.texts] + [ax.get_title()]


def contains(ax, fragment):
    return any(fragment in text for text in texts(ax))


def test_densenet121_labels_follow_table1():
    # Table 1: k = 32, 64 channels after the stem, blocks of 6, 12, 24, 16
    # layers, each transition halves the channels (θ = 0.5) and the size.
    ax = figures.draw_densenet(dl.imagenet_config(121))
    c = 64
    sizes = (56, 28, 14, 7)
    assert contains(ax, f"3 → 64 channels · {sizes[0]} × {sizes[0]}")
    for i, layers in enumerate((6, 12, 24, 16)):
        out = c + 32 * layers
        assert contains(
            ax, f"Dense Block ({i + 1}): [1 × 1 conv, 3 × 3 conv] × {layers}"
        )
        assert contains(ax, f"{c} → {out} channels (k = 32) · {sizes[i]} × {sizes[i]}")
        if i < 3:
            size, half = sizes[i], sizes[i + 1]
            assert contains(
                ax, f"{out} → {out // 2} channels · {size} × {size} → {half} × {half}"
            )
        c = out // 2
    assert contains(ax, "1024 channels → 1000 classes")
    # Every channel count of the network, block by block.
    numbers = [64, 256, 128, 512, 256, 1024, 512, 1024]
    flat = " ".join(texts(ax))
    assert all(f"{n} " in flat for n in numbers)
    assert contains(ax, "Input: 224 × 224 × 3")
    assert contains(ax, "8,062,504 parameters")  # keras.applications' DenseNet121
    plt.close("all")


def test_cifar_densenet_bc_and_a_plan_without_sizes():
    # DenseNet-BC (L = 100, k = 12): 2k = 24 channels, 16 layers per block.
    plan = dl.channel_plan(dl.densenet_cifar_config(100, 12))
    fig, ax = plt.subplots(figsize=figures.densenet_figsize(plan))
    assert figures.draw_densenet(plan, ax=ax) is ax
    for fragment in (
        "Convolution 3 × 3",
        "3 → 24 channels · 32 × 32",
        f"24 → {24 + 16 * 12} channels (k = 12) · 32 × 32",
        f"{216} → {216 // 2} channels · 32 × 32 → 16 × 16",
        f"108 → {108 + 16 * 12} channels (k = 12) · 16 × 16",
        f"{300} → {300 // 2} channels · 16 × 16 → 8 × 8",
        f"150 → {150 + 16 * 12} channels (k = 12) · 8 × 8",
        "342 channels → 10 classes",
    ):
        assert contains(ax, fragment), fragment
    assert sum("Dense Block" in t for t in texts(ax)) == 3
    assert sum("Transition Layer" in t for t in texts(ax)) == 2

    free = dl.channel_plan(
        blocks=(2,), growth_rate=4, stem="cifar", include_top=False, pooling="avg"
    )
    ax = figures.draw_densenet(free.config)
    assert contains(ax, "Input: any size × 3")
    assert "8 → 16 channels (k = 4)" in texts(ax)  # no size where none is known
    assert "Global average pool" in texts(ax)
    plt.close("all")


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="plan_or_config"):
        figures.draw_densenet((6, 12, 24, 16))
    with pytest.raises(ValueError, match="plan_or_config"):
        figures.densenet_figsize(None)
