"""Chapter 3: bottleneck and transition layers.

Written to chapters/03_bottleneck_transition.ipynb by tools/make_chapters.py.
"""

from .common import COLAB_CELL, code, md, setup_cell  # noqa: F401

CELLS = [
    md(r"""
    # Chapter 3 — Bottleneck and transition layers

    A Dense Block never forgets: layer $\ell$ reads every feature map produced
    before it. The price is width. In this chapter we measure that price and
    build the two devices the paper uses to pay less for it: the *bottleneck*
    layer inside each block (DenseNet-B) and the *compressing transition* layer
    between blocks (DenseNet-C). Together they make DenseNet-BC, and at depth
    $L = 100$ and growth rate $k = 12$ we set it beside the plain DenseNet and
    beside the paper's Table 2.

    **After this chapter you can**

    - say how the parameters of a Dense Block grow with its number of layers, and why;
    - build a bottleneck layer and a transition layer from `keras.layers`, and
      check them against `dl.dense_layer` and `dl.transition_block`;
    - compute when a bottleneck pays off ($c > 7.2k$) and what the compression
      $\theta$ does to every later layer;
    - read the paper's DenseNet / DenseNet-BC comparison off numbers the library
      computes: parameters, multiply-adds and feature-map sizes.
    """),
    code(COLAB_CELL),
    code(setup_cell(
        "none: arithmetic, symbolic keras.Input tensors and random numbers only",
        "import matplotlib.pyplot as plt\n"
        "from keras import layers\nfrom densenet_lib import counting, paper\n",
    )),
    md(r"""
    ## Why the channels must be cut

    In a Dense Block with $k_0$ input channels, layer $\ell$ receives
    $c_\ell = k_0 + k(\ell - 1)$ channels (chapter 2). In the plain DenseNet its
    only convolution is a $3\times3$ one with $k$ filters, so it holds
    $9\,c_\ell\,k$ weights, and a block of $n$ layers holds

    $$
    W_{\text{block}} \;=\; \sum_{\ell=1}^{n} 9k\,\big(k_0 + k(\ell-1)\big)
    \;=\; 9k\Big(n\,k_0 + k\,\frac{n(n-1)}{2}\Big)
    $$

    weights: *quadratic* in $n$, although each layer adds only $k$ channels. And a
    block hands all of its $k_0 + nk$ output channels to the next one, so without
    anything that removes channels, $k_0$ itself grows from block to block.

    The CIFAR networks of the paper have three blocks of equal length $n$ and
    depth $L = 3n + 4$ (one convolution per dense layer, plus the first
    convolution, two transitions and the classifier). `dl.densenet_cifar_config`
    turns $L = 100$ into $n = 32$, and `dl.channel_plan` gives every channel count
    without building a model. Below, the formula above is checked against the
    plan block by block (the plan stores each layer's multiply-adds; divided by
    the $h \times w$ positions they are its weights).
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    plain_config = dl.densenet_cifar_config(
        depth=100, growth_rate=12, bottleneck=False, compression=1.0)
    plain = dl.channel_plan(plain_config)
    k = plain_config.growth_rate
    print(f"DenseNet (L=100, k={k}): blocks {plain_config.blocks}")
    print(f"{'block':>5} {'k0':>5} {'out':>5} {'weights (plan)':>15} "
          f"{'9k(n k0 + k n(n-1)/2)':>22}")
    for b, n in enumerate(plain_config.blocks, start=1):
        rows = [r for r in plain.rows if r.kind == "dense_layer" and r.block == b]
        k0 = plain.block_input_channels(b)
        weights = sum(r.macs // (r.height * r.width) for r in rows)
        formula = 9 * k * (n * k0 + k * n * (n - 1) // 2)
        print(f"{b:>5} {k0:>5} {rows[-1].channels_out:>5} {weights:>15,} {formula:>22,}")
    """),
    md(r"""
    Each block costs more than the one before, only because its $k_0$ is larger:
    the table above shows the last block starting from the whole output of the
    second. Two remedies follow: make each layer's convolution cheaper when
    $c_\ell$ is large (the bottleneck), and cut $k_0$ between blocks
    (compression).

    ## The bottleneck layer (DenseNet-B)

    The bottleneck layer puts a $1\times1$ convolution with $4k$ filters in front
    of the $3\times3$ one (paper, Sec. 3, "Bottleneck layers"):

    $$H_\ell = \text{BN-ReLU-Conv}_{1\times1}(4k)\ \text{-}\ \text{BN-ReLU-Conv}_{3\times3}(k).$$

    A $1\times1$ convolution mixes channels at each pixel without looking at the
    neighbours, so it is 9 times cheaper per input channel than a $3\times3$ one.
    The expensive $3\times3$ convolution now always sees $4k$ channels, whatever
    $c$ is. From scratch, with `keras.layers`:
    """),
    code("""
    BN_EPS = 1.001e-5  # keras.applications' batch-norm epsilon (see chapter 4)
    to_numpy = keras.ops.convert_to_numpy

    def my_bottleneck_layer(x, k):
        \"\"\"DenseNet-B's H: BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k), then concatenate.\"\"\"
        y = layers.BatchNormalization(epsilon=BN_EPS)(x)
        y = layers.Activation("relu")(y)
        y = layers.Conv2D(4 * k, 1, use_bias=False)(y)
        y = layers.BatchNormalization(epsilon=BN_EPS)(y)
        y = layers.Activation("relu")(y)
        y = layers.Conv2D(k, 3, padding="same", use_bias=False)(y)
        return layers.Concatenate()([x, y])
    """),
    md(r"""
    The library's `dl.dense_layer(..., bottleneck=True)` builds the same layers
    (with `keras.applications`' names). We build both for the widest layer of the
    plain DenseNet above, copy the weights of one into the other, and feed both
    the same random input:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    c = max(r.channels_in for r in plain.rows if r.kind == "dense_layer")
    inputs = keras.Input(shape=(8, 8, c))
    scratch = keras.Model(inputs, my_bottleneck_layer(inputs, k))
    library = keras.Model(
        inputs, dl.dense_layer(inputs, k, name="conv4_block32", bottleneck=True))
    library.set_weights(scratch.get_weights())
    x = np.random.default_rng(0).normal(size=(2, 8, 8, c)).astype("float32")
    diff = np.max(np.abs(to_numpy(scratch(x)) - to_numpy(library(x))))
    print(f"c = {c}, k = {k}: output {library.output.shape}")
    print("same parameters:", scratch.count_params() == library.count_params())
    print("same outputs:", bool(diff < 1e-6))
    """),
    md(r"""
    Per pixel, the plain layer has $9ck$ weights in its kernel, the bottleneck
    layer $4k \cdot c + 9 \cdot 4k \cdot k = 4ck + 36k^2$. The bottleneck wins when

    $$9ck > 4ck + 36k^2 \iff c > \tfrac{36}{5}k = 7.2k,$$

    so for $k = 12$ the switch falls between the rows $c = 86$ and $c = 87$ of the
    table below, and the saving approaches $9/4$ as $c$ grows. (Batch normalization adds
    $4c$ parameters to either kind, and $16k$ more to the bottleneck; the counts
    below include them.)
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    def dense_layer_params(c, k, bottleneck):
        inputs = keras.Input(shape=(8, 8, c))
        y = dl.dense_layer(inputs, k, name="layer", bottleneck=bottleneck)
        return keras.Model(inputs, y).count_params()

    lines = [f"{'c':>5} {'9ck':>8} {'4ck + 36k^2':>12} {'plain params':>13} "
             f"{'bottleneck params':>18}"]
    for c in (24, 86, 87, 400, c):
        plain_p, bottle_p = (dense_layer_params(c, k, b) for b in (False, True))
        lines.append(f"{c:>5} {9 * c * k:>8,} {4 * c * k + 36 * k * k:>12,} "
                     f"{plain_p:>13,} {bottle_p:>18,}")
    print("\\n".join(lines))
    """),
    md(r"""
    With bottlenecks, one dense layer holds two convolutions, so at the same depth
    a DenseNet-B has half as many dense layers: $L = 6n + 4$, and $n = 16$ for
    $L = 100$.

    ## The transition layer

    Concatenation needs feature maps of equal height and width, so a Dense Block
    cannot downsample. Downsampling happens *between* blocks, in the transition
    layer: batch normalization, a $1\times1$ convolution and a $2\times2$ average
    pooling with stride 2,

    $$(h,\ w,\ m) \;\longmapsto\; \big(\lfloor h/2 \rfloor,\ \lfloor w/2 \rfloor,\ \lfloor \theta m \rfloor\big).$$

    The paper's text lists BN, convolution and pooling; the authors' code, the seed's
    Keras port, `keras.applications` and `densenet_lib` all put a ReLU after the
    BN as well. From scratch:
    """),
    code("""
    def my_transition(x, theta):
        \"\"\"BN-ReLU-Conv1x1(floor(theta * m))-AvgPool2x2/2.\"\"\"
        m = x.shape[-1]
        y = layers.BatchNormalization(epsilon=BN_EPS)(x)
        y = layers.Activation("relu")(y)
        y = layers.Conv2D(int(np.floor(theta * m)), 1, use_bias=False)(y)
        return layers.AveragePooling2D(2, strides=2)(y)
    """),
    md(r"""
    and against `dl.transition_block`, on an even and an odd feature-map size and
    two values of $\theta$ (same weights, same input):
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    rng = np.random.default_rng(1)
    lines = []
    for shape, theta in [((32, 32, 400), 1.0), ((32, 32, 216), 0.5), ((15, 15, 171), 0.5)]:
        inputs = keras.Input(shape=shape)
        scratch = keras.Model(inputs, my_transition(inputs, theta))
        library = keras.Model(
            inputs, dl.transition_block(inputs, compression=theta, name="pool2"))
        library.set_weights(scratch.get_weights())
        x = rng.normal(size=(2, *shape)).astype("float32")
        same = np.allclose(to_numpy(scratch(x)), to_numpy(library(x)), atol=1e-6)
        out = tuple(library.output.shape[1:])
        lines.append(f"theta = {theta}: {shape} -> {out}  same outputs: {same}")
    print("\\n".join(lines))
    """),
    md(r"""
    ## Compression (DenseNet-C)

    The compression factor $0 < \theta \le 1$ is the fraction of channels a
    transition keeps: $\lfloor \theta m \rfloor$ of the $m$ it receives. With
    $\theta = 1$ (the plain DenseNet) the transition's $1\times1$ convolution
    keeps the width; the paper uses $\theta = 0.5$. The saving does not stay in
    the transition: the next block's $k_0$ is halved, and *every* layer of that
    block reads those $k_0$ channels.

    With both devices the network is DenseNet-BC. Its first convolution also has
    $2k$ output channels instead of 16 (paper, Sec. 3, "Implementation
    details"). Here are the four
    combinations at $L = 100$, $k = 12$; the parameters are the *trainable* ones,
    as the paper counts them (`count_params()` also counts batch normalization's
    moving means and variances):
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    variants = {
        "DenseNet":    dict(bottleneck=False, compression=1.0),
        "DenseNet-B":  dict(bottleneck=True, compression=1.0),
        "DenseNet-C":  dict(bottleneck=False, compression=0.5),
        "DenseNet-BC": dict(bottleneck=True, compression=0.5),
    }
    plans = {
        name: dl.channel_plan(dl.densenet_cifar_config(depth=100, growth_rate=12, **kw))
        for name, kw in variants.items()
    }
    print(f"{'L=100, k=12':<12} {'n':>3} {'k0 of blocks':>13} {'params':>10} "
          f"{'mult-adds':>14}")
    for name, p in plans.items():
        k0s = "/".join(str(p.block_input_channels(b)) for b in (1, 2, 3))
        print(f"{name:<12} {p.config.blocks[0]:>3} {k0s:>13} {p.trainable_params:>10,} "
              f"{p.macs:>14,}")
    """),
    md(r"""
    Each device alone removes a large share of the cost, and they compound. The
    bottleneck removes more than compression does, because it acts in every layer
    and halves the number of dense layers at the same depth.

    ## DenseNet-BC beside the paper's Table 2

    The two networks the paper compares at $L = 100$, $k = 12$: the library's
    numbers first, then the paper's (from `densenet_lib.paper`, a transcription
    of Table 2; error rates in %, "+" means standard data augmentation).
    """),
    code("""
    pair = {"densenet100_k12": plans["DenseNet"],
            "densenet_bc100_k12": plans["DenseNet-BC"]}
    published = {preset: paper.table2(preset) for preset in pair}

    def feature_maps(p):
        \"\"\"Each block's feature-map size and output channels, from the plan.\"\"\"
        ends = [r for r in p.boundaries() if r.kind == "dense_layer"]
        return "<br>".join(f"{r.height}×{r.width}×{r.channels_out}" for r in ends)

    ours, theirs = pair.values(), published.values()
    rows = [
        ["dense layers per block (n)"] + [p.config.blocks[0] for p in ours],
        ["feature maps after each block"] + [feature_maps(p) for p in ours],
        ["parameters (trainable)"] + [f"{p.trainable_params:,}" for p in ours],
        ["multiply-adds per 32×32 image"] + [f"{p.macs:,}" for p in ours],
        ["<b>paper, Table 2:</b> parameters"] + [f"{t.params_m}M" for t in theirs],
    ]
    for field, label in paper.TABLE2_DATASETS.items():
        rows.append([f"paper: error on {label} (%)"]
                    + [f"{getattr(t, field):.2f}" for t in theirs])
    dl.reporting.html_table(["L = 100, k = 12", "DenseNet", "DenseNet-BC"], rows)
    """),
    md(r"""
    *Table: DenseNet and DenseNet-BC at the same depth and growth rate; the top rows are computed by `dl.channel_plan`, the bottom rows quoted from the paper's Table 2.*
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    for preset, p in pair.items():
        millions = round(p.trainable_params / 1e6, 1)
        print(f"{preset}: {millions}M parameters, paper {published[preset].params_m}M,"
              f" agree: {millions == published[preset].params_m}")
    dn, bc = pair.values()
    print(f"DenseNet-BC: {dn.trainable_params / bc.trainable_params:.1f}x fewer parameters,"
          f" {dn.macs / bc.macs:.1f}x fewer multiply-adds")
    t_dn, t_bc = published.values()
    higher = all(getattr(t_bc, f) > getattr(t_dn, f) for f in paper.TABLE2_DATASETS)
    print("DenseNet-BC's error is higher on every data set:", higher)
    """),
    md(r"""
    So at equal depth, DenseNet-BC saves nearly an order of magnitude in parameters with
    a small loss in accuracy on every data set of the table. The paper's
    argument is about equal *budgets* instead: per parameter, DenseNet-BC is the
    more accurate architecture (its Figure 4, and Exercise 2 below).

    ## Channels, layer by layer

    The figure draws the plan's rows: the channels entering each dense layer and
    each transition, placed at their depth (a bottleneck layer spans two
    convolutions, so both networks end at $L = 100$). For DenseNet-BC it also
    draws what its $3\times3$ convolutions actually read: always $4k$.
    """),
    code("""
    def width_by_depth(p):
        \"\"\"(depth, channels in, kind) of each dense layer and transition.

        Depth counts convolutions, as L does: 1 is the first convolution.\"\"\"
        depth, points = 1, []
        for r in p.rows:
            if r.kind in ("dense_layer", "transition"):
                points.append((depth + 1, r.channels_in, r.kind))
                two_convs = r.kind == "dense_layer" and p.config.bottleneck
                depth += 2 if two_convs else 1
        return points

    fig, ax = plt.subplots(figsize=(8, 3.6))
    for p, label, color in [(dn, "DenseNet", "tab:red"), (bc, "DenseNet-BC", "tab:blue")]:
        depths, channels, _ = zip(*width_by_depth(p))
        ax.step(depths, channels, where="post", color=color,
                label=f"{label}: channels into each unit")
    for depth, _, kind in width_by_depth(dn):
        if kind == "transition":
            ax.axvline(depth, color="gray", lw=0.8, ls="--")
    ax.axhline(4 * k, color="tab:blue", ls=":",
               label="DenseNet-BC: input of every 3x3 conv (4k)")
    ax.set(xlabel="depth (convolutions from the input; dashed: transitions)",
           ylabel="channels", title="L = 100, k = 12: width through the network",
           xlim=(0, 100))
    ax.legend(fontsize=8, loc="upper left")
    plt.show()
    """),
    md(r"""
    *Figure: channels entering each dense layer and transition of DenseNet (L = 100, k = 12, 32 layers per block) and DenseNet-BC (16 two-convolution layers per block), against depth as the paper counts it; drawn from `dl.channel_plan`.*

    The plain network's width climbs in one long staircase, since its transitions
    keep every channel; DenseNet-BC's saw-tooth drops by half at each
    transition and stays several times narrower.

    ## Built models agree with the plan

    Built, both networks have exactly the parameters the plan predicts, and
    `counting.model_macs`, which reads the multiply-adds off the built layers,
    agrees with the plan's arithmetic:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    lines = []
    for p in pair.values():
        model = dl.build_densenet(p.config)
        lines.append(f"{model.name}: count_params() == plan.params: "
                     f"{model.count_params() == p.params}")
        lines.append(f"{model.name}: model_macs(model) == plan.macs: "
                     f"{counting.model_macs(model) == p.macs}")
    print("\\n".join(lines))
    """),
    md(r"""
    ## Exercises

    **Exercise 1.** Why $4k$? Let the bottleneck have $bk$ channels instead.
    Show that it saves weights over a plain layer exactly when $c > 9bk/(9 - b)$
    (for $b < 9$), and check the formula by brute force for $k = 12$ and
    $b = 1, 2, 4, 8$. How many dense layers of DenseNet-BC (L = 100, k = 12) are
    past the $b = 4$ crossover?
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    # Plain: 9ck weights. Bottleneck of width bk: c*bk + 9*bk*k. Saving when
    # 9ck > bk(c + 9k)  <=>  c(9 - b) > 9bk  <=>  c > 9bk / (9 - b).
    k = 12
    for b in (1, 2, 4, 8):
        formula = 9 * b * k / (9 - b)
        brute = next(c for c in range(1, 10_000)
                     if 9 * c * k > c * b * k + 9 * b * k * k)
        print(f"b = {b}: crossover c > {formula:.1f}; first saving c = {brute}")
    bc_layers = [r for r in plans["DenseNet-BC"].rows if r.kind == "dense_layer"]
    past = sum(r.channels_in > 7.2 * k for r in bc_layers)
    print(f"DenseNet-BC (L=100, k=12): {past} of {len(bc_layers)} dense layers "
          "read more than 7.2k channels")
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 2.** Recompute the *Params* column of the paper's Table 2 for
    all six DenseNets with `dl.channel_plan`. Does it still round to the paper's
    value if you count every weight, as `model.count_params()` does? Which
    DenseNet-BC beats a plain DenseNet with *more* parameters on C10+?
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    print(f"{'preset':<20} {'paper':>6} {'trainable':>10} {'all weights':>12}  C10+")
    for row in paper.TABLE2:
        p = dl.channel_plan(dl.densenet_cifar_config(**dl.CIFAR_PRESETS[row.preset]))
        print(f"{row.preset:<20} {row.params_m:>5}M {p.trainable_params / 1e6:>9.1f}M "
              f"{p.params / 1e6:>11.1f}M  {row.c10_plus:.2f}")
    # The paper counts trainable parameters; counting the BN moving statistics
    # too, some rows round differently.
    is_bc = lambda r: r.label.startswith("DenseNet-BC")  # noqa: E731
    for bc in filter(is_bc, paper.TABLE2):
        beaten = [r.preset for r in paper.TABLE2 if not is_bc(r)
                  and r.params_m > bc.params_m and r.c10_plus > bc.c10_plus]
        print(f"{bc.preset} beats, with fewer parameters: {beaten}")
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 3.** Sweep the compression of DenseNet-BC (L = 100, k = 12) over
    $\theta \in \{1, 0.75, 0.5, 0.25, 0.1\}$. How do the parameters, the
    multiply-adds and the $k_0$ of the last block change? Why do the savings
    shrink as $\theta$ gets small?
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    print(f"{'theta':>5} {'params':>9} {'mult-adds':>12} {'k0 of block 3':>14}")
    for theta in (1.0, 0.75, 0.5, 0.25, 0.1):
        # init_channels fixed at 2k, so that only theta changes from row to row
        config = dl.densenet_cifar_config(depth=100, growth_rate=12, bottleneck=True,
                                          compression=theta, init_channels=24)
        p = dl.channel_plan(config)
        print(f"{theta:>5} {p.trainable_params:>9,} {p.macs:>12,} "
              f"{p.block_input_channels(3):>14}")
    # Compression only shrinks k0; the n*k channels each block adds itself are untouched,
    # so the cost tends to that of three independent blocks as theta -> 0.
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 4.** A $1\times1$ convolution without bias and a $2\times2$
    average pooling are both linear, so they commute: a transition that pools
    *first* computes the same function. Check it numerically with the weights of
    `my_transition`, and count the multiply-adds of both orders with
    `counting.model_macs`.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    inputs = keras.Input(shape=(32, 32, 216))
    conv_first = keras.Model(inputs, my_transition(inputs, 0.5))
    y = layers.Activation("relu")(layers.BatchNormalization(epsilon=BN_EPS)(inputs))
    y = layers.Conv2D(108, 1, use_bias=False)(layers.AveragePooling2D(2, strides=2)(y))
    pool_first = keras.Model(inputs, y)
    pool_first.set_weights(conv_first.get_weights())
    x = np.random.default_rng(2).normal(size=(2, 32, 32, 216)).astype("float32")
    a, b = (to_numpy(m(x)) for m in (conv_first, pool_first))
    print("same function:", bool(np.allclose(a, b, atol=1e-5)))
    for name, m in [("conv first", conv_first), ("pool first", pool_first)]:
        print(f"multiply-adds, {name}: {counting.model_macs(m):,}")
    """, tags=("hide-cell",)),
    md(r"""
    ## Summary

    - A Dense Block's weights grow quadratically with its length, and without
      intervention every block starts wider than the last.
    - The bottleneck, BN-ReLU-Conv$_{1\times1}(4k)$ before the $3\times3$
      convolution, pays off as soon as a layer reads more than $7.2k$ channels;
      the $3\times3$ convolution then always sees $4k$ channels (DenseNet-B).
    - The transition layer, BN-ReLU-Conv$_{1\times1}$-AvgPool$_{2\times2}$,
      halves the feature maps between blocks; with compression $\theta$ it keeps
      $\lfloor\theta m\rfloor$ channels, which shrinks every layer of the next
      block (DenseNet-C).
    - At $L = 100$, $k = 12$, DenseNet-BC needs a small fraction of the plain
      DenseNet's parameters and multiply-adds (the ratios are printed above, and
      the parameters agree with the paper's Table 2), for a slightly higher
      error; at equal parameter budgets it is the more accurate of the two.
    - `dl.channel_plan`'s arithmetic, the built models and
      `counting.model_macs` agree to the last parameter and multiply-add.
    """),
]
