"""Chapter 2: the Dense Block (written to chapters/02_dense_block.ipynb by tools/make_chapters.py)."""

from .common import COLAB_CELL, code, md, setup_cell

CELLS = [
    md(r"""
    # Chapter 2 — The Dense Block

    Chapter 1 ended with ResNet's shortcut, $x_\ell = H_\ell(x_{\ell-1}) + x_{\ell-1}$.
    DenseNet keeps the direct path between layers but changes the operation: layer
    $\ell$ of a *Dense Block* receives the feature maps of **all** the layers before
    it, side by side,

    $$x_\ell = H_\ell\big([x_0, x_1, \ldots, x_{\ell-1}]\big),$$

    where $[\ldots]$ is concatenation along the channel axis (Huang et al., 2017,
    Eq. 2). This chapter builds such a block, counts its channels, and measures
    what it costs.

    **After this chapter you can**

    - say how concatenation differs from ResNet's addition, and what each layer of a block sees;
    - build a dense layer from `keras.layers` and check it, weight for weight, against `dl.dense_block`;
    - compute the input width of every layer, $k_0 + k(\ell - 1)$, and draw the paper's Figure 1 for any $k$;
    - explain why a growth rate as small as $k = 12$ or $32$ is enough;
    - count the parameters and the feature-map memory of a Dense Block and of a
      residual stack of the same width, and explain why a naive implementation's
      memory grows quadratically with the number of layers.
    """),
    code(COLAB_CELL),
    code(setup_cell(
        "no data set: random tensors only",
        "import matplotlib.pyplot as plt\nimport ipywidgets as widgets\nfrom IPython.display import display\n"
        "from keras import layers\nfrom densenet_lib import memory\n",
    )),
    md(r"""
    ## From addition to concatenation

    ResNet's sum merges $x_{\ell-1}$ and $H_\ell(x_{\ell-1})$ into one tensor of the
    same width: once added, a later layer can no longer tell what was input and
    what was new. The DenseNet paper (Sec. 3) argues that this "may impede the
    information flow in the network", and notes that many ResNet layers contribute
    very little (whole residual blocks can be dropped at random during training,
    the stochastic depth of Huang et al., 2016).

    Concatenation keeps every feature map as it is and *appends* the new ones. In
    a block of $L$ layers, layer $\ell$ reads $x_0$ and the outputs of layers
    $1, \ldots, \ell - 1$: that makes $L(L+1)/2$ direct connections, hence the name
    *densely connected*. Three details make this work:

    - **The composite function.** $H_\ell$ is BN, then ReLU, then a 3x3
      convolution: the pre-activation order of chapter 1.
    - **The growth rate.** Every $H_\ell$ outputs the same small number of channels,
      $k$. The block's input has $k_0$ channels, so layer $\ell$ reads
      $k_0 + k(\ell - 1)$ of them.
    - **Same size inside a block.** Concatenation needs equal heights and widths, so
      the 3x3 convolutions use "same" padding, and the downsampling happens
      *between* blocks, in transition layers (chapter 3).

    ## A dense layer from scratch

    Here is $H_\ell$ followed by the concatenation, in four `keras.layers` calls:
    """),
    code("""
    def my_dense_layer(x, k):
        \"\"\"H = BN-ReLU-Conv3x3(k), then append its k new channels to x.\"\"\"
        h = layers.BatchNormalization(epsilon=1.001e-5)(x)  # the library's
        h = layers.Activation("relu")(h)
        h = layers.Conv2D(k, 3, padding="same", use_bias=False)(h)
        return layers.Concatenate()([x, h])
    """),
    md(r"""
    Five of them, on an input with $k_0 = 8$ channels and growth rate $k = 4$ (the
    block of the paper's Figure 1):
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    x0 = keras.Input(shape=(32, 32, 8))
    x = x0
    for l in range(1, 6):
        x = my_dense_layer(x, k=4)
        print(f"after layer {l}: {x.shape}")
    scratch = keras.Model(x0, x)
    """),
    md(r"""
    ## The channel rule

    Layer $\ell$ of a block reads the block input and the $\ell - 1$ outputs before
    it, and the block's output is everything:

    $$c_\ell = k_0 + k(\ell - 1), \qquad c_{\text{out}} = k_0 + kL.$$

    Three sources must agree on these numbers: the formula; `dl.channel_plan`, which
    computes every channel count of a DenseNet with arithmetic alone, without
    building a model; and the input channels of the convolution kernels in the
    model just built.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    plan = dl.channel_plan(blocks=(5,), growth_rate=4, init_channels=8,
                           bottleneck=False, stem="cifar", input_shape=(32, 32, 3))
    k0, k = plan.block_input_channels(1), plan.config.growth_rate
    rows = [r for r in plan.rows if r.kind == "dense_layer"]
    convs = [l for l in scratch.layers if isinstance(l, layers.Conv2D)]
    print(f"k0 = {k0}, k = {k}")
    print("layer | k0 + k(l-1) | plan: in |  built: kernel | plan: out")
    for l, (row, conv) in enumerate(zip(rows, convs), start=1):
        kernel = str(tuple(conv.kernel.shape))
        print(f"{l:>5} | {k0 + k * (l - 1):>11} | {row.channels_in:>8} |"
              f" {kernel:>14} | {row.channels_out:>9}")
    print("plan.block(1) =", plan.block(1))
    """),
    md(r"""
    The paper draws this block as its Figure 1. `dl.figures.draw_dense_block` draws
    it from the same rule: one arc per connection, and under each layer a bar made
    of the pieces it reads: $k_0$ channels of $x_0$ (first colour), then $k$ from
    each earlier layer.
    """),
    code("""
    dl.figures.draw_dense_block(num_layers=5, growth_rate=4, init_channels=8)
    plt.show()
    """),
    md(r"""
    *Figure 2.1. The paper's Figure 1: a 5-layer Dense Block with growth rate $k = 4$,
    here on $k_0 = 8$ input channels. Every layer feeds every later one (15
    connections); the bars show each layer's input, $k_0 + k(\ell - 1)$ channels, and
    the block's output, $k_0 + 5k$.*

    ## `dl.dense_block`, weight for weight

    The library's Dense Block builds the same layers in the same order, with
    `keras.applications`' layer names (`conv2_block1_0_bn`, ...). We fill the
    hand-built block with random weights, copy them across and compare the
    outputs; the parameter counts must match the plan too:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    inputs = keras.Input(shape=(32, 32, k0))
    out = dl.dense_block(inputs, num_layers=5, growth_rate=k, name="conv2",
                         bottleneck=False)
    block = keras.Model(inputs, out)
    # Positive random values (BN's moving variance must be positive).
    scratch.set_weights([rng.uniform(0.5, 1.5, w.shape).astype("float32")
                         for w in scratch.get_weights()])
    block.set_weights(scratch.get_weights())

    x0_values = rng.normal(size=(2, 32, 32, k0)).astype("float32")
    a, b = (keras.ops.convert_to_numpy(m(x0_values, training=False))
            for m in (scratch, block))
    print("dl.dense_block output:", out.shape, "| plan:", plan.block(1)[-1])
    print("parameters: by hand", scratch.count_params(),
          "| dl.dense_block", block.count_params(),
          "| plan", sum(r.params for r in rows))
    print("same outputs:", bool(np.allclose(a, b, rtol=1e-4, atol=1e-4)))
    """),
    md(r"""
    ## Nothing is overwritten

    Concatenation only appends. The first $k_0$ channels of the block's output are
    $x_0$ itself, bit for bit, and each later group of $k$ channels is one layer's
    output, untouched by the layers after it. This is the "global state" the paper
    speaks of: every layer can read every earlier feature map directly.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    print("output[..., :k0] is x0, bit for bit:",
          np.array_equal(b[..., :k0], x0_values))
    first = keras.Model(inputs, block.get_layer("conv2_block1_concat").output)
    layer1 = keras.ops.convert_to_numpy(first(x0_values, training=False))
    print("output[..., k0:k0+k] is layer 1's output:",
          np.array_equal(b[..., k0:k0 + k], layer1[..., k0:]))
    """),
    md(r"""
    ## The growth rate: why thin layers are enough

    A ResNet layer is wide: 16 to 64 channels in the CIFAR nets of chapter 1, 64 to
    512 (and outputs up to 2,048) in the ImageNet ResNets. DenseNet's layers add
    $k = 12$ channels on CIFAR and $k = 32$ on ImageNet, and still match or beat
    ResNets with fewer parameters (the paper's Table 2 and Figure 3). The paper
    gives two reasons.

    - **Collective knowledge** (Sec. 3, "Growth rate"). The feature maps of a block
      are a global state that every layer can read. Each layer only *adds* $k$ maps
      to it; it does not have to carry forward what is already there, because
      nothing is overwritten. In a ResNet, every block reads and rewrites the
      whole state: its $H_\ell$ must be as wide as the stage, because its output
      is added to all of it.
    - **Feature reuse** (Sec. 5). In a trained DenseNet (L = 40, k = 12 on CIFAR-10
      with augmentation) the authors plotted the average absolute weight each layer
      gives to each earlier layer's maps. Layers spread their weights over many
      inputs of the same block, so features made by very early layers are used
      directly by deep ones. (They also observed that the maps entering a block from
      the transition get little weight, a hint of redundancy that motivates the
      compression of chapter 3.) The short paths to the loss act as a kind of
      *implicit deep supervision*.

    The channel rule shows how quickly the state fills with the block's own
    features. In DenseNet-121 ($k = 32$, blocks of 6, 12, 24 and 16 layers), the
    last layer of each block reads:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    d121 = dl.channel_plan(blocks=(6, 12, 24, 16), growth_rate=32)
    growth = d121.config.growth_rate
    print("block |  L |   k0 | last layer reads | made in this block | adds")
    for i, num_layers in enumerate(d121.config.blocks, start=1):
        k0_i, reads = d121.block_input_channels(i), d121.block(i)[-2]
        inside = reads - k0_i
        print(f"{i:>5} | {num_layers:>2} | {k0_i:>4} | {reads:>16} |"
              f" {inside:>11} ({inside / reads:4.0%}) | {growth:>4}")
    """),
    md(r"""
    The larger $k$ is next to $k_0$, the sooner a layer's input is dominated by maps
    made inside the block. Figure 2.2 draws the same 5-layer block on $k_0 = 16$
    channels with $k = 4$ and with $k = 12$:
    """),
    code("""
    fig, axes = plt.subplots(1, 2, figsize=(15, 5.2))
    for ax, growth_rate in zip(axes, (4, 12)):
        dl.figures.draw_dense_block(5, growth_rate, init_channels=16, ax=ax)
    plt.show()
    """),
    md(r"""
    *Figure 2.2. The same block shape with $k = 4$ (left) and $k = 12$ (right), both
    on $k_0 = 16$ input channels. The connections are the same; the bars show how
    much of each layer's input comes from $x_0$ (first colour) and how much from the
    layers before it.*

    ## Parameters and memory: dense block against residual stack

    How does a Dense Block compare with a stack of residual blocks? Take a block
    like the first one of the paper's DenseNet with $L = 40$: 12 layers, $k = 12$,
    $k_0 = 16$, on 32x32 maps. Its output has $16 + 12 \cdot 12$ channels. The
    residual stack we compare it with has the same output width and the same number
    of 3x3 convolutions: six pre-activation residual blocks of that width (the first
    with a projection shortcut from the 16 input channels).

    Parameters come from `count_params()`. For memory we count *feature-map
    elements*: `memory.feature_map_elements(model)` adds up the sizes of every layer
    output of a built model for one image: what a straightforward forward pass
    keeps for the backward pass (a framework may free or fuse some of it).
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    L, k, k0, size = 12, 12, 16, 32
    width = k0 + k * L
    inputs = keras.Input(shape=(size, size, k0))
    dense = keras.Model(inputs, dl.dense_block(inputs, L, k, name="conv2",
                                               bottleneck=False))
    x = inputs
    for b in range(L // 2):  # two 3x3 convolutions per residual block
        x = dl.residual_block(x, width, name=f"res{b + 1}")
    residual = keras.Model(inputs, x)

    print(f"output width {width}, {L} 3x3 convolutions each")
    print("               | parameters | elements / image | MiB (batch 64, fp32)")
    stats = {}
    for name, model in [("dense block", dense), ("residual stack", residual)]:
        params, elements = model.count_params(), memory.feature_map_elements(model)
        stats[name] = params, elements
        mib = elements * 64 * 4 / 2**20
        print(f"{name:>14} | {params:>10,} | {elements:>16,} | {mib:>20.1f}")
    (p_d, m_d), (p_r, m_r) = stats.values()
    print(f"residual / dense: parameters x{p_r / p_d:.1f}, "
          f"feature maps x{m_r / m_d:.1f}")
    print("memory.dense_block_elements agrees:",
          memory.dense_block_elements(L, k, k0, size, size) == m_d)
    """),
    md(r"""
    At the same output width, each dense layer has a $3 \times 3 \times c_\ell \times k$
    kernel where a residual layer has $3 \times 3 \times w \times w$, so the dense block
    needs far fewer parameters, and in this naive count its feature maps are smaller
    too (the ratios are in the cell above). But the comparison changes as the block
    gets deeper. Each dense layer stores four tensors: the BN output and the ReLU
    output ($c_\ell$ channels each), the convolution's $k$ channels, and the
    concatenation, a fresh copy of all $c_\ell + k$ channels so far. The
    concatenations alone add up to

    $$\sum_{\ell=1}^{L} (k_0 + k\ell) = L k_0 + k\,\frac{L(L+1)}{2}$$

    channels of $H \times W$ maps: **quadratic** in $L$. The parameters,
    $\sum_\ell 9 k\, c_\ell = 9k\big(L k_0 + k L(L-1)/2\big)$ plus BN's, grow
    quadratically too. A residual stack of fixed width $w$ stores a few $w$-channel
    maps per layer: linear in $L$.

    The quadratic memory is a property of the *implementation*, not of the
    architecture: all the concatenations hold the same numbers. Pleiss et al. (2017)
    write every layer's $k$ new maps into one pre-allocated buffer of $k_0 + kL$
    channels and recompute the cheap BN and ReLU outputs during the backward pass,
    which makes the memory linear in $L$. Figure 2.3 shows the three counts
    (`memory.dense_block_elements`) as the block deepens, with the counts of built
    blocks as dots:
    """),
    code("""
    depths = range(1, 49)

    def block_params(num_layers):
        \"\"\"The dense layers' parameters, from the channel plan.\"\"\"
        plan = dl.channel_plan(blocks=(num_layers,), growth_rate=k,
                               init_channels=k0, bottleneck=False, stem="cifar")
        return sum(r.params for r in plan.rows if r.kind == "dense_layer")

    def built_block_elements(num_layers):
        \"\"\"Feature-map elements of a built dl.dense_block, layer by layer.\"\"\"
        inp = keras.Input(shape=(size, size, k0))
        out = dl.dense_block(inp, num_layers, k, name="c", bottleneck=False)
        return memory.feature_map_elements(keras.Model(inp, out))

    fig, (ax_m, ax_p) = plt.subplots(1, 2, figsize=(11, 3.8))
    for count, label in [("all_outputs", "every layer output (dl.dense_block)"),
                         ("concatenations", "the concatenations alone"),
                         ("shared_buffer", "one shared buffer (Pleiss et al.)")]:
        counts = [memory.dense_block_elements(d, k, k0, size, size, count=count)
                  for d in depths]
        ax_m.plot(depths, np.array(counts) / 1e6, label=label)
    built = {d: built_block_elements(d) for d in (6, 12, 24, 36)}
    ax_m.plot(list(built), np.array(list(built.values())) / 1e6, "ko", ms=4,
              label="built blocks")
    ax_m.set(xlabel="layers in the block, L",
             ylabel="elements per image (millions)",
             title=f"Feature maps, k = {k}, k0 = {k0}, {size}x{size}")
    ax_m.legend(fontsize=8)
    ax_p.plot(depths, np.array([block_params(d) for d in depths]) / 1e6)
    ax_p.set(xlabel="layers in the block, L", ylabel="parameters (millions)",
             title="Parameters (dl.channel_plan)")
    plt.tight_layout()
    plt.show()
    """),
    md(r"""
    *Figure 2.3. Left: feature-map elements of one Dense Block per image as $L$ grows
    ($k = 12$, $k_0 = 16$, 32x32). The dots are built `dl.dense_block` models counted
    with `memory.feature_map_elements`. Right: the block's parameters, from
    `dl.channel_plan`. The naive memory counts and the parameters bend upward (they
    are quadratic in $L$); the shared buffer grows along a straight line.*
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    for d, elements in built.items():
        analytic = memory.dense_block_elements(d, k, k0, size, size)
        print(f"L = {d:>2}: built {elements:>11,} | analytic {analytic:>11,}")
    """),
    md(r"""
    This is one reason real DenseNets do not make one block very deep: DenseNet-121
    splits its dense layers into four blocks of 6, 12, 24 and 16, and chapter 3 adds the two devices that
    keep $c_\ell$ in check: bottleneck layers inside a block and compressing
    transitions between blocks.

    ## Explore: growth rate and depth

    Move the sliders to change $k$, $k_0$ and the number of layers: the drawing and
    the channel table are recomputed with the rule above. The sliders need a running
    Python kernel (Jupyter or Colab); on the static web page they show the drawing
    for their starting values.
    """),
    code("""
    def explore(k=4, k0=8, num_layers=5):
        dl.figures.draw_dense_block(num_layers, k, k0)
        plt.show()
        ins = [k0 + k * (l - 1) for l in range(1, num_layers + 1)]
        print("layer:         ", *(f"{l:>5}" for l in range(1, num_layers + 1)))
        print("reads channels:", *(f"{c:>5}" for c in ins))
        params = sum(4 * c + 9 * c * k for c in ins)  # BN + 3x3 kernel per layer
        print(f"output: {k0 + k * num_layers} channels; parameters: {params:,}")

    explorer = widgets.interactive(
        explore,
        k=widgets.IntSlider(value=4, min=1, max=48, description="k"),
        k0=widgets.IntSlider(value=8, min=1, max=64, description="k0"),
        num_layers=widgets.IntSlider(value=5, min=1, max=10, description="layers"),
    )
    display(explorer)
    """),
    md(r"""
    **Without a kernel.** The explorer below needs no Python at all: it is
    JavaScript that runs in your browser, also on this page of the rendered book
    and offline. It computes the same numbers as `dl.channel_plan` (the book's
    tests check that, configuration by configuration); pick a network, a block,
    the growth rate and the compression, and watch the channel counts change.
    The slider above, by contrast, needs a running kernel.
    """),
    code("""
    dl.explorer.static_explorer(block=1, preset="densenet121")
    """),
    md(r"""
    ## Exercises

    **Exercise 1.** DenseNet-121's third block has 24 layers with $k = 32$ and
    receives $k_0 = 256$ channels from the transition before it. How many channels
    does its last layer read, and how many leave the block? Check with
    `dl.channel_plan(blocks=(6, 12, 24, 16), growth_rate=32)`.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    L, k, k0 = 24, 32, 256
    print("by the rule:  last layer reads", k0 + k * (L - 1),
          "| block output", k0 + k * L)
    plan121 = dl.channel_plan(blocks=(6, 12, 24, 16), growth_rate=32)
    block3 = [r for r in plan121.rows if r.kind == "dense_layer" and r.block == 3]
    print("channel_plan: last layer reads", block3[-1].channels_in,
          "| block output", block3[-1].channels_out,
          "| k0 =", plan121.block_input_channels(3))
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 2.** Derive a closed form for the parameters of a plain (no
    bottleneck) Dense Block with $L$ layers, growth rate $k$ and $k_0$ input
    channels, counting each layer's BN (4 numbers per input channel) and its 3x3
    kernel. Check it against a built `dl.dense_block` with $L = 12$, $k = 12$,
    $k_0 = 16$.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    # Layer l: BN on c_l channels (4 c_l) and a 3x3 x c_l x k kernel (9 k c_l), so
    # P = (9k + 4) * sum_l c_l = (9k + 4) * (L k0 + k L (L - 1) / 2).
    def dense_block_params(L, k, k0):
        return (9 * k + 4) * (L * k0 + k * L * (L - 1) // 2)

    L, k, k0 = 12, 12, 16
    inputs = keras.Input(shape=(8, 8, k0))
    out = dl.dense_block(inputs, L, k, name="ex2", bottleneck=False)
    built = keras.Model(inputs, out).count_params()
    formula = dense_block_params(L, k, k0)
    print("closed form:", formula, "| built:", built, "| equal:", formula == built)
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 3.** Quadratic or linear? With $k = 12$ and $k_0 = 16$, compute how
    much the concatenations' memory and the shared buffer's grow each time $L$
    doubles, from $L = 6$ to $L = 96$. What do the ratios tend to, and why?
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    k, k0 = 12, 16

    def growth(L, count):
        \"\"\"How much the count grows when L doubles.\"\"\"
        return (memory.dense_block_elements(2 * L, k, k0, count=count)
                / memory.dense_block_elements(L, k, k0, count=count))

    for L in (6, 12, 24, 48):
        concat, shared = growth(L, "concatenations"), growth(L, "shared_buffer")
        print(f"L = {L:>2} -> {2 * L:>2}: concatenations x{concat:.2f},"
              f" shared buffer x{shared:.2f}")
    # L k0 + k L(L+1)/2 is dominated by k L^2 / 2 once L is large next to
    # 2 k0 / k, so doubling L multiplies it by a ratio that tends to 4.
    # k0 + k L is linear in L, and its ratio tends to 2.
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 4.** A pre-activation residual block of width 160 (two 3x3
    convolutions and an identity shortcut) is one step of the residual stack above.
    With the parameter budget of that one block, how many plain dense layers with
    $k = 12$ on $k_0 = 16$ channels could you build, and how many channels would that
    block output?
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    inputs = keras.Input(shape=(8, 8, 160))
    one_block = keras.Model(inputs, dl.residual_block(inputs, 160, name="ex4"))
    budget = one_block.count_params()
    k, k0, L, spent = 12, 16, 0, 0
    # Layer L + 1 reads k0 + k L channels: a BN and a 3x3 kernel on them.
    while spent + (9 * k + 4) * (k0 + k * L) <= budget:
        spent += (9 * k + 4) * (k0 + k * L)
        L += 1
    print(f"one residual block of width 160: {budget:,} parameters")
    print(f"dense layers that fit: {L} ({spent:,} parameters), "
          f"output width {k0 + k * L}")
    """, tags=("hide-cell",)),
    md(r"""
    ## Summary

    - A Dense Block computes $x_\ell = H_\ell([x_0, \ldots, x_{\ell-1}])$ with
      $H_\ell$ = BN-ReLU-Conv3x3 of $k$ filters; every layer reads every earlier
      feature map, through $L(L+1)/2$ connections.
    - **Channel rule**: layer $\ell$ reads $k_0 + k(\ell - 1)$ channels and the block
      outputs $k_0 + kL$. `dl.channel_plan` computes these numbers without building
      anything, and `dl.dense_block` matches a block built by hand, weight for weight.
    - **Growth rate**: since nothing is overwritten, each layer only adds $k$ maps to
      a shared state; $k = 12$ (CIFAR) or $32$ (ImageNet) suffices, and trained
      DenseNets do reuse early features in deep layers (the paper's Sec. 5).
    - **Cost**: at the same output width a Dense Block has far fewer parameters than
      a residual stack, but its parameters and, in a naive implementation, its
      feature-map memory grow quadratically with its number of layers; a shared
      buffer (Pleiss et al., 2017) makes the memory linear.
    - Next, chapter 3 keeps the width in check with bottleneck and transition layers.

    ## References

    - G. Huang, Z. Liu, L. van der Maaten, K. Q. Weinberger. *Densely Connected Convolutional Networks.* CVPR 2017.
    - K. He, X. Zhang, S. Ren, J. Sun. *Identity Mappings in Deep Residual Networks.* ECCV 2016.
    - G. Huang, Y. Sun, Z. Liu, D. Sedra, K. Q. Weinberger. *Deep Networks with Stochastic Depth.* ECCV 2016.
    - G. Pleiss, D. Chen, G. Huang, T. Li, L. van der Maaten, K. Q. Weinberger. *Memory-Efficient Implementation of DenseNets.* arXiv:1707.06990, 2017.
    """),
]
