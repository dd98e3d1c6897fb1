"""Chapter 1: ResNet residuals (written to chapters/01_resnet_residuals.ipynb by tools/make_chapters.py)."""

from .common import COLAB_CELL, code, md, setup_cell  # noqa: F401

CELLS = [
    md(r"""
    # Chapter 1 — ResNet residuals

    A residual network does not ask block $\ell$ to compute a new representation
    from scratch: the block learns a correction $H_\ell$ that is *added* to its input,

    $$x_\ell = H_\ell(x_{\ell-1}) + x_{\ell-1}.$$

    In this chapter we build the CIFAR ResNet-20 of He et al. (2016) and its *plain*
    twin, the same layers without the addition, and look at what the shortcut costs
    in parameters and what it changes in the gradients. DenseNet, in the next
    chapter, keeps the shortcut but replaces the sum with a concatenation.
    """),
    code(COLAB_CELL),
    code(setup_cell("random tensors (no data set)", "import matplotlib.pyplot as plt\n")),
    md(r"""
    ## A residual net and its plain twin

    `dl.ResNetCIFAR(depth=20)` is a 3x3 convolution, three stages of $n$ residual
    blocks (depth $6n + 2$), global average pooling and a classifier. Its blocks use
    the pre-activation order, $H_\ell$ = BN-ReLU-Conv3x3-BN-ReLU-Conv3x3, which
    DenseNet inherits. `plain=True` builds the same stack without the shortcuts.
    """),
    code("""
    keras.utils.set_random_seed(0)
    resnet = dl.ResNetCIFAR(depth=20)
    plain = dl.ResNetCIFAR(depth=20, plain=True)
    n = (20 - 2) // 6
    widths = [resnet.get_layer(f"stage{s}_block1_2_conv").filters for s in (1, 2, 3)]
    print(f"n = {n} blocks per stage, stage widths {widths}")
    """),
    md(r"""
    Their parameter counts:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    print(f"{resnet.name}: {resnet.count_params():>9,} parameters")
    print(f"{plain.name}:  {plain.count_params():>9,} parameters")
    print(f"difference: {resnet.count_params() - plain.count_params():>9,}")
    """),
    md(r"""
    An identity shortcut has no weights. Only where a stage begins does the shape
    change (stride 2, more channels), and there the shortcut becomes a *projection*:
    a 1x1 convolution without bias. Those two kernels are the whole difference.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    projections = [layer for layer in resnet.layers if layer.name.endswith("_0_conv")]
    for layer in projections:
        print(f"{layer.name}: kernel {tuple(layer.kernel.shape)}")
    print("16*32 + 32*64 =", 16 * 32 + 32 * 64, "| their parameters:", sum(l.count_params() for l in projections))
    """),
    md(r"""
    One forward pass on a batch of random images: the network maps each image to
    a probability distribution over the classes.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    x = np.random.default_rng(0).normal(size=(4, 32, 32, 3)).astype("float32")
    probs = keras.ops.convert_to_numpy(resnet(x, training=False))
    print("input", x.shape, "-> output", probs.shape)
    print("every row sums to 1:", bool(np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)))
    """),
    md(r"""
    ## Gradients at initialization

    The shortcut also gives the gradient a path around every $H_\ell$:
    $\partial x_\ell / \partial x_{\ell-1} = I + \partial H_\ell / \partial x_{\ell-1}$.
    To see it, we take the depth-56 nets, one batch of random images and labels, and
    measure the gradient of the loss for every weight. One step of plain SGD with
    learning rate 1 moves each weight $w$ to $w - \nabla_w \mathcal{L}$, so
    `train_on_batch` gives us the gradients on any Keras backend.
    """),
    code("""
    def gradient_norms(model, images, labels):
        \"\"\"The norm of dLoss/dw for each trainable weight w, by path.\"\"\"
        before = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights]
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="sparse_categorical_crossentropy")
        model.train_on_batch(images, labels)
        return {w.path: float(np.linalg.norm(b - keras.ops.convert_to_numpy(w)))
                for w, b in zip(model.trainable_weights, before)}

    rng = np.random.default_rng(0)
    images = rng.normal(size=(32, 32, 32, 3)).astype("float32")
    labels = rng.integers(0, 10, size=32)
    norms = {}
    for kind in ("residual", "plain"):
        keras.utils.set_random_seed(0)
        model = dl.ResNetCIFAR(depth=56, plain=(kind == "plain"))
        grads = gradient_norms(model, images, labels)
        # The 3x3 kernels of the main path, from the first convolution to the last.
        norms[kind] = [v for p, v in grads.items() if p.endswith("conv/kernel") and "_0_conv" not in p]
    """),
    code("""
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for kind, values in norms.items():
        ax.semilogy(range(1, len(values) + 1), values, label=kind)
    ax.set(xlabel="3x3 convolution (input side -> output side)", ylabel="gradient norm",
           title="ResNet-56 at initialization, one random batch")
    ax.legend()
    plt.show()
    for kind, values in norms.items():
        print(f"{kind:>8}: largest / smallest gradient norm = {max(values) / min(values):.3g}")
    """),
    md(r"""
    In the plain net the gradient norm changes by orders of magnitude from the last
    convolution back to the first: with batch normalization in training mode, a deep
    plain stack makes gradients *explode* at initialization (Yang et al., 2019). In
    the residual net it stays within a small factor. The exact values depend on the
    random seed, so the checked cell below compares only their spread.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    spread = {kind: max(values) / min(values) for kind, values in norms.items()}
    print("main-path 3x3 convolutions:", len(norms["plain"]))
    print("plain spread > 10 x residual spread:", bool(spread["plain"] > 10 * spread["residual"]))
    """),
    md(r"""
    ## Summary

    - A residual block computes $x_\ell = H_\ell(x_{\ell-1}) + x_{\ell-1}$; identity
      shortcuts are free, and only the projections where a stage changes shape add
      weights (two 1x1 kernels in ResNet-20, as the cells above count).
    - The shortcut gives every layer a direct path to the gradient: at initialization
      the residual net's gradient norms stay within a small factor of each other,
      while the plain twin's spread over orders of magnitude.
    - Next, DenseNet replaces the sum by a concatenation of *all* earlier feature maps.
    """),
]
