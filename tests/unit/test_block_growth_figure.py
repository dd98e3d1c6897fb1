"""figures.draw_block_growth: its curves are the analytic counts."""

import matplotlib.pyplot as plt
import numpy as np

from densenet_lib import figures


def test_curves_are_the_closed_form_counts():
    k, k0, size = 4, 6, 5
    ax_m, ax_p = figures.draw_block_growth(k, k0, size, max_layers=10, built={3: 1})
    lines = {line.get_label(): line for line in ax_m.get_lines()}
    L = np.arange(1, 11)
    concat = lines["the concatenations alone"].get_ydata() * 1e6
    np.testing.assert_allclose(concat, (L * k0 + k * L * (L + 1) / 2) * size**2)
    shared = lines["one shared buffer (Pleiss et al.)"].get_ydata() * 1e6
    np.testing.assert_allclose(shared, (k0 + k * L) * size**2)
    assert list(lines["built blocks"].get_xdata()) == [3]
    # Layer l: BN (4 numbers per channel) and a 3x3 kernel on c_l = k0 + k(l-1).
    c = k0 + k * (L - 1)
    params = np.cumsum(4 * c + 9 * c * k)
    np.testing.assert_allclose(ax_p.get_lines()[0].get_ydata() * 1e6, params)
    plt.close("all")
