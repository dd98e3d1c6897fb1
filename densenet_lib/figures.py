"""Figures drawn from the library's own numbers (matplotlib, imported lazily)."""

from __future__ import annotations

from .config import check_int


def draw_dense_block(num_layers: int = 4, growth_rate: int = 4, init_channels: int | None = None, ax=None):
    """The paper's Figure 1: a Dense Block whose every layer feeds every later one.

    Node 0 is the block's input x_0 (``init_channels`` = k_0, default 2k);
    node l is layer H_l, labelled with the channels it receives,
    k_0 + k(l - 1), and the k it adds. Each arc is one connection: a block of
    L layers has L(L + 1)/2 of them. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    num_layers = check_int("num_layers", num_layers)
    k = check_int("growth_rate", growth_rate)
    k0 = check_int("init_channels", init_channels) if init_channels is not None else 2 * k
    if ax is None:
        _, ax = plt.subplots(figsize=(1.5 * (num_layers + 1) + 0.5, 2.3 + 0.25 * num_layers))
    colors = plt.get_cmap("tab10")
    box_w, box_h = 0.9, 0.9
    for l in range(num_layers + 1):
        x = 1.5 * l
        ax.add_patch(FancyBboxPatch((x - box_w / 2, -box_h / 2), box_w, box_h, boxstyle="round,pad=0.05",
                                    facecolor=colors(l % 10), alpha=0.85, edgecolor="black"))
        label = "$x_0$" if l == 0 else f"$H_{{{l}}}$"
        ax.text(x, 0.08, label, ha="center", va="center", fontsize=13, color="white", weight="bold")
        detail = f"{k0} ch" if l == 0 else f"+{k}"
        ax.text(x, -0.22, detail, ha="center", va="center", fontsize=9, color="white")
        if l > 0:
            ax.text(x, -0.8, f"in: {k0 + k * (l - 1)}", ha="center", va="top", fontsize=9)
        for j in range(l):  # x_j -> H_l
            x_from = 1.5 * j
            ax.add_patch(FancyArrowPatch((x_from, box_h / 2 + 0.05), (x - 0.12, box_h / 2 + 0.05),
                                         connectionstyle=f"arc3,rad=-{0.25 + 0.05 * (l - j)}",
                                         arrowstyle="-|>", mutation_scale=9, lw=1.1,
                                         color=colors(j % 10), alpha=0.9))
    out = k0 + k * num_layers
    ax.set_title(f"Dense Block: {num_layers} layers, growth rate k = {k}, k0 = {k0} -> {out} channels out; "
                 f"{num_layers * (num_layers + 1) // 2} connections", fontsize=10)
    ax.set_xlim(-0.8, 1.5 * num_layers + 0.8)
    ax.set_ylim(-1.2, 1.0 + 0.35 * num_layers)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
