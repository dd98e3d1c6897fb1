"""Chapter 2: the Dense Block (written to chapters/02_dense_block.ipynb by tools/make_chapters.py)."""

from .common import COLAB_CELL, code, md, setup_cell  # noqa: F401

CELLS = [
    md(r"""
    # Chapter 2 — The Dense Block

    DenseNet keeps the idea of a direct path between layers but changes the
    operation: instead of adding $H_\ell$'s output to its input, layer $\ell$ of a
    Dense Block receives the concatenation of the feature maps of *all* the layers
    before it,

    $$x_\ell = H_\ell\big([x_0, x_1, \ldots, x_{\ell-1}]\big).$$

    Each layer contributes only $k$ new channels, the *growth rate*, so layer $\ell$
    sees $k_0 + k(\ell - 1)$ channels. We build one such layer by hand, count the
    channels of the paper's Figure 1 (a 5-layer block with $k = 4$), and check
    `densenet_lib`'s Dense Block against both.
    """),
    code(COLAB_CELL),
    code(setup_cell("random tensors (no data set)", "from keras import layers\n")),
    md(r"""
    ## A dense layer from scratch

    In a plain DenseNet, $H_\ell$ is BN-ReLU-Conv3x3 with $k$ filters; "same"
    padding keeps the height and width, so the new channels can be concatenated to
    the old ones.
    """),
    code("""
    def my_dense_layer(x, k):
        \"\"\"H = BN-ReLU-Conv3x3(k), then append its k new channels to x.\"\"\"
        y = layers.BatchNormalization()(x)
        y = layers.Activation("relu")(y)
        y = layers.Conv2D(k, 3, padding="same", use_bias=False)(y)
        return layers.Concatenate()([x, y])
    """),
    md(r"""
    Five of them on an input with $k_0 = 8$ channels and $k = 4$:
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

    `dl.channel_plan` computes every channel count of a DenseNet with arithmetic
    alone, without building it. For the block of Figure 1 (after a 3x3 convolution
    to $k_0 = 8$ channels), the formula $k_0 + k(\ell - 1)$ and the plan agree:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    plan = dl.channel_plan(blocks=(5,), growth_rate=4, init_channels=8, bottleneck=False,
                           stem="cifar", input_shape=(32, 32, 3))
    k0, k = plan.block_input_channels(1), plan.config.growth_rate
    rows = [r for r in plan.rows if r.kind == "dense_layer"]
    print(f"k0 = {k0}, k = {k}")
    print(f"{'layer':>5} | {'k0 + k(l-1)':>11} | {'plan: in':>8} | {'plan: out':>9}")
    for l, row in enumerate(rows, start=1):
        print(f"{l:>5} | {k0 + k * (l - 1):>11} | {row.channels_in:>8} | {row.channels_out:>9}")
    print("plan.block(1) =", plan.block(1))
    """),
    md(r"""
    ## `dl.dense_block`

    The library's Dense Block builds the same layers, with `keras.applications`'
    layer names (`conv2_block1_0_bn`, ...). Its output channels, and its parameters,
    match both the hand-built block and the plan:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(32, 32, k0))
    block = keras.Model(inputs, dl.dense_block(inputs, num_layers=5, growth_rate=k, name="conv2", bottleneck=False))
    print("dl.dense_block output:", block.output.shape)
    print("output channels == plan.block(1)[-1]:", block.output.shape[-1] == plan.block(1)[-1])
    print("parameters: dl.dense_block", block.count_params(), "| by hand", scratch.count_params(),
          "| plan", sum(r.params for r in rows))
    """),
    md(r"""
    ## Nothing is overwritten

    Concatenation only appends: the first $k_0$ channels of the block's output are
    $x_0$ itself, bit for bit, and the next $k$ are layer 1's output. Every layer
    can read every earlier feature map directly.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    x0_values = np.random.default_rng(0).normal(size=(2, 32, 32, k0)).astype("float32")
    out = keras.ops.convert_to_numpy(block(x0_values, training=False))
    print("output[..., :k0] is x0:", bool(np.array_equal(out[..., :k0], x0_values)))
    """),
    md(r"""
    ## Summary

    - A dense layer is $H_\ell$ = BN-ReLU-Conv3x3 with $k$ filters followed by a
      concatenation; layer $\ell$ of a block sees $k_0 + k(\ell - 1)$ channels.
    - `dl.channel_plan` gives these numbers without building a model, and
      `dl.dense_block` builds a block whose channels and parameters match it.
    - The block's input survives unchanged in its output; the next chapter deals with
      the price of that: width, which bottlenecks and transitions keep in check.
    """),
]
