"""Chapter 3: bottleneck and transition layers (written to chapters/03_bottleneck_transition.ipynb by tools/make_chapters.py)."""

from .common import COLAB_CELL, code, md, setup_cell  # noqa: F401

CELLS = [
    md(r"""
    # Chapter 3 — Bottleneck and transition layers

    Concatenation makes the late layers of a Dense Block wide. DenseNet-B puts a
    1x1 convolution to $4k$ channels, the *bottleneck*, before each 3x3
    convolution; DenseNet-C lets the transition layer between two blocks keep only
    $\lfloor \theta c \rfloor$ of the $c$ channels it receives, with the
    *compression* $0 < \theta \le 1$. With both, the model is DenseNet-BC; here we
    compare it with the plain DenseNet at the same depth $L = 100$ and growth rate
    $k = 12$.
    """),
    code(COLAB_CELL),
    code(setup_cell("none: arithmetic and symbolic keras.Input tensors only")),
    md(r"""
    ## Two networks of depth 100

    `dl.densenet_cifar_config` turns the depth into layers per block
    ($L = 3n + 4$, or $6n + 4$ with bottlenecks, since a bottleneck layer holds two
    convolutions), and `dl.channel_plan` counts parameters and multiply-adds
    (for one 32x32 image) without building anything:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    configs = {
        "DenseNet (L=100, k=12)": dl.densenet_cifar_config(depth=100, growth_rate=12, bottleneck=False, compression=1.0),
        "DenseNet-BC (L=100, k=12)": dl.densenet_cifar_config(depth=100, growth_rate=12, bottleneck=True, compression=0.5),
    }
    plans = {name: dl.channel_plan(config) for name, config in configs.items()}
    print(f"{'model':<26} {'blocks':<14} {'k0':>3} {'params':>11} {'mult-adds':>15}")
    for name, plan in plans.items():
        c = plan.config
        print(f"{name:<26} {str(c.blocks):<14} {c.stem_channels:>3} {plan.params:>11,} {plan.macs:>15,}")
    """),
    md(r"""
    ## The bottleneck

    A plain dense layer with $c$ input channels has a 3x3 kernel of $9ck$ weights.
    The bottleneck layer first reduces to $4k$ channels, costing $4ck + 36k^2$
    instead: fewer weights as soon as $c > 7.2k$, and the saving grows with $c$.
    Here is the widest layer of the plain DenseNet (the last layer of its last
    block), built both ways:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    plain_plan = plans["DenseNet (L=100, k=12)"]
    c = [r for r in plain_plan.rows if r.kind == "dense_layer"][-1].channels_in
    for bottleneck in (False, True):
        inputs = keras.Input(shape=(8, 8, c))
        layer = keras.Model(inputs, dl.dense_layer(inputs, growth_rate=12, name="layer", bottleneck=bottleneck))
        print(f"c = {c}, bottleneck={bottleneck!s:<5}: {layer.count_params():>7,} parameters, output {layer.output.shape}")
    """),
    md(r"""
    ## The transition layer

    Between two blocks, `dl.transition_block` applies BN-ReLU-Conv1x1 to
    $\lfloor \theta c \rfloor$ channels and a 2x2 average pooling with stride 2:
    $(h, w, c) \to (h/2,\ w/2,\ \lfloor \theta c \rfloor)$.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    for (h, w, c), theta in [((32, 32, 216), 0.5), ((32, 32, 171), 0.5), ((16, 16, 300), 1.0)]:
        out = dl.transition_block(keras.Input(shape=(h, w, c)), compression=theta, name="pool2")
        print(f"theta = {theta}: {(h, w, c)} -> {tuple(out.shape[1:])}   floor(theta*c) = {int(np.floor(theta * c))}")
    """),
    md(r"""
    Through the whole network, the plan shows the channels at every block and
    transition boundary: DenseNet-BC halves the width at each transition, the plain
    DenseNet only halves the feature-map size.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    for name, plan in plans.items():
        print(name)
        for r in plan.boundaries():
            print(f"  {r.name:<22} {r.kind:<12} {r.channels_out:>5} channels  {r.height}x{r.width}")
    """),
    md(r"""
    Finally, the plan is not a separate model of the truth: building both networks
    gives the same parameter counts.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    for name, plan in plans.items():
        model = dl.build_densenet(plan.config)
        print(f"{model.name}: count_params() == plan.params: {model.count_params() == plan.params}")
    """),
    md(r"""
    ## Summary

    - The bottleneck (1x1 convolution to $4k$ channels) makes a wide dense layer
      much cheaper, and the transition layer halves the feature maps and, with
      compression $\theta$, keeps $\lfloor \theta c \rfloor$ channels.
    - At the same depth and growth rate, DenseNet-BC has far fewer parameters and
      multiply-adds than the plain DenseNet, as the plan's table shows.
    - `dl.channel_plan` computes these numbers by arithmetic, and the built models
      agree with it.
    """),
]
