"""figures.draw_block_growth: its curves are the analytic counts."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import densenet_lib as dl
from densenet_lib import figures

# Shapes, counts and arithmetic: the same on every Keras backend, so the
# Makefile runs this file on TensorFlow only (pyproject.toml, markers).
pytestmark = pytest.mark.backend_independent


def test_curves_are_the_closed_form_counts():
    k, k0, size = 4, 6, 5
    ax_m, ax_p = figures.draw_block_growth(k, k0, size, max_layers=10, built={3: 1})
    lines = {line.get_label(): line for line in ax_m.get_lines()}
    L = np.arange(1, 11)
    concat = lines["the concatenations alone"].get_ydata() * 1e6
    np.testing.assert_allclose(concat, (L * k0 + k * L * (L + 1) / 2) * size**2)
    shared = lines["shared storage, recomputed (Pleiss et al.)"].get_ydata() * 1e6
    np.testing.assert_allclose(shared, (k0 + k * L) * size**2)
    assert list(lines["built blocks"].get_xdata()) == [3]
    # Layer l: BN (4 numbers per channel) and a 3x3 kernel on c_l = k0 + k(l-1).
    c = k0 + k * (L - 1)
    params = np.cumsum(4 * c + 9 * c * k)
    np.testing.assert_allclose(ax_p.get_lines()[0].get_ydata() * 1e6, params)
    plt.close("all")


def test_network_width_follows_the_channel_rule():
    # DenseNet (L=40, k=12): 12 plain layers per block, a 16-channel stem.
    config = dl.densenet_cifar_config(**dl.CIFAR_PRESETS["densenet40_k12"])
    points = figures.network_width(dl.channel_plan(config))
    block1 = [(2 + i, 16 + 12 * i, "dense_layer") for i in range(12)]
    assert points[:12] == block1
    assert points[12] == (14, 16 + 12 * 12, "transition")  # no compression
    assert points[-1] == (39, 304 + 12 * 11, "dense_layer")  # the FC is depth 40


def test_network_width_counts_two_convolutions_per_bottleneck_layer():
    bc = dl.channel_plan(dl.densenet_cifar_config(depth=100, growth_rate=12))
    depths = [d for d, _, kind in figures.network_width(bc) if kind == "dense_layer"]
    assert depths[:3] == [2, 4, 6] and depths[-1] == 98
    ax = figures.draw_network_width({"DenseNet-BC": bc})
    assert ax.get_xlim() == (0, 99)
    plt.close("all")
