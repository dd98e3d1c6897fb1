"""Chapter 1: ResNet residuals (written to chapters/01_resnet_residuals.ipynb by tools/make_chapters.py)."""

from .common import COLAB_CELL, code, md

SETUP = """\
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import matplotlib.pyplot as plt
from keras import layers
import densenet_lib as dl

profile = dl.current_profile()
# quick: scikit-learn's digits (offline). full: CIFAR-10, or the digits
# (with a one-line message) where CIFAR-10 cannot be downloaded.
load = profile.pick(quick=dl.data.load_digits32,
                    full=lambda: dl.data.load_cifar("cifar10"))
data = load().normalized()
profile = profile.announce(
    data=f"{data.description}; {len(data.x_train):,} training images")
"""

CELLS = [
    md(r"""
    # Chapter 1 — ResNet residuals

    DenseNet (Huang et al., 2017) is the answer to a question ResNet (He et al.,
    2016) made urgent: once a layer can hand its input straight on to later layers,
    what is the best way to do it? This chapter is about ResNet's answer. A residual
    block does not ask layer $\ell$ for a new representation from scratch; it learns
    a correction $H_\ell$ that is *added* to its input,

    $$x_\ell = H_\ell(x_{\ell-1}) + x_{\ell-1}.$$

    **After this chapter you can**

    - state the *degradation problem* and why it is a problem of optimization, not of overfitting;
    - write a residual block in a few lines of `keras.layers` and check it against `dl.residual_block`;
    - tell an identity shortcut from a projection shortcut, and count what each costs;
    - explain the pre-activation order BN-ReLU-Conv, which DenseNet inherits;
    - measure, on your own machine, the gradients and the training error of a deep
      plain network and of its residual twin.
    """),
    code(COLAB_CELL),
    code(SETUP),
    md(r"""
    The setup cell says which *profile* runs. The quick profile (any CPU, a few
    minutes) trains on scikit-learn's handwritten digits, resized to 32x32x3 so that
    the CIFAR networks run on them unchanged; the full profile (a GPU) trains on
    CIFAR-10, the data set of the experiments quoted below. The code is the same;
    only the sizes chosen with `profile.pick(quick=..., full=...)` differ.

    ## The degradation problem

    A deeper network should never be worse *on its training set* than a shallower
    one. Take a trained 20-layer network, copy it into the first 20 layers of a
    56-layer network and let the other 36 layers compute the identity: the deep
    network now has exactly the shallow one's training error. So a solution at least
    as good exists. Yet when He et al. (2016, Figure 1) trained *plain* stacks of
    3x3 convolutions on CIFAR-10, the 56-layer network ended with a **higher training
    error** than the 20-layer one (and a higher test error).

    Since the *training* error rises, this is not overfitting. Nor is it the
    gradients simply vanishing: those networks used batch normalization (BN), and He
    et al. checked that their gradients kept healthy norms. It is an optimization
    difficulty: SGD does not find the good solution, even though it exists.

    ## Residual learning

    He et al.'s fix is to make the identity the easy thing to learn. If the layers
    of a block should compute some mapping $\mathcal{H}(x)$, let them learn the
    *residual* $\mathcal{H}(x) - x$ instead and add $x$ back through a *shortcut*
    connection. In the notation of the DenseNet paper (Sec. 3), block $\ell$ computes

    $$x_\ell = H_\ell(x_{\ell-1}) + x_{\ell-1}.$$

    If the identity is what a block should do, its weights only need to go to zero,
    which SGD (helped by weight decay) finds easily. With identity shortcuts and
    nothing after the addition (the pre-activation block below), the recursion
    unrolls from any block $\ell$ to any later block $L$ (He et al., 2016b, Eqs. 4-5):

    $$x_L = x_\ell + \sum_{i=\ell+1}^{L} H_i(x_{i-1}),
    \qquad
    \frac{\partial \mathcal{L}}{\partial x_\ell}
    = \frac{\partial \mathcal{L}}{\partial x_L}
      \left(I + \frac{\partial}{\partial x_\ell} \sum_{i=\ell+1}^{L} H_i(x_{i-1})\right).$$

    The $I$ is the point: the gradient of the loss reaches every block directly,
    whatever the blocks in between do.

    ### A residual block from scratch

    A ResNet block for CIFAR has two 3x3 convolutions. In the pre-activation order
    (explained below) $H_\ell$ is BN-ReLU-Conv-BN-ReLU-Conv, and the block is six
    layers and an `Add`:
    """),
    code("""
    def my_residual_block(x, filters):
        \"\"\"x + H(x), H = BN-ReLU-Conv3x3-BN-ReLU-Conv3x3 (identity shortcut).\"\"\"
        h = x
        for _ in range(2):
            h = layers.BatchNormalization(epsilon=1.001e-5)(h)  # the library's
            h = layers.Activation("relu")(h)
            h = layers.Conv2D(filters, 3, padding="same", use_bias=False)(h)
        return layers.Add()([x, h])
    """),
    md(r"""
    The library's `dl.residual_block` builds the same layers in the same order, so
    the weights of one copy straight into the other. We fill the hand-built block
    with random weights (positive ones, since BN's moving variance must be positive),
    copy them across and compare the two outputs:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    inputs = keras.Input(shape=(8, 8, 16))
    mine = keras.Model(inputs, my_residual_block(inputs, 16))
    lib = keras.Model(inputs, dl.residual_block(inputs, 16, name="block"))
    mine.set_weights([rng.uniform(0.5, 1.5, w.shape).astype("float32")
                      for w in mine.get_weights()])
    lib.set_weights(mine.get_weights())

    x = rng.normal(size=(2, 8, 8, 16)).astype("float32")
    a, b = (keras.ops.convert_to_numpy(m(x, training=False)) for m in (mine, lib))
    print("parameters: from scratch", mine.count_params(),
          "| dl.residual_block", lib.count_params())
    print("same outputs:", bool(np.allclose(a, b, rtol=1e-4, atol=1e-4)))
    """),
    md(r"""
    ### Identity and projection shortcuts

    The sum $H_\ell(x_{\ell-1}) + x_{\ell-1}$ needs both terms to have the same shape.
    Inside a stage they do, and the shortcut is the identity: no weights, no
    computation. Where a stage begins, the block halves the height and width (stride
    2) and doubles the channels, and $x_{\ell-1}$ no longer fits. He et al. tried
    zero-padding the missing channels (their option A) and a *projection* $W_s$, a
    1x1 convolution with stride 2 (option B):

    $$x_\ell = H_\ell(x_{\ell-1}) + W_s\, x_{\ell-1}.$$

    `dl.residual_block(..., shortcut="auto")` (the default) picks the identity when
    the shapes allow it and a projection otherwise; asking for an identity that
    cannot work is an error.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    inputs = keras.Input(shape=(32, 32, 16))
    for filters, stride in [(16, 1), (32, 2)]:
        out = dl.residual_block(inputs, filters, name="b", stride=stride)
        block = keras.Model(inputs, out)
        names = [layer.name for layer in block.layers]
        kind = "projection" if "b_0_conv" in names else "identity"
        print(f"{inputs.shape[1:]} -> {out.shape[1:]}: {kind} shortcut, "
              f"{block.count_params():,} parameters")
    try:
        dl.residual_block(inputs, 32, name="c", stride=2, shortcut="identity")
    except ValueError as error:
        print("ValueError:", error)
    """),
    code("""
    fig, axes = plt.subplots(2, 1, figsize=(8, 4.6))
    for ax, shortcut in zip(axes, ["identity", "projection"]):
        dl.figures.draw_residual_block(shortcut=shortcut, ax=ax)
    plt.show()
    """),
    md(r"""
    *Figure 1.1. The two shortcuts. Top: identity, $x_\ell = H_\ell(x_{\ell-1}) + x_{\ell-1}$.
    Bottom: projection, $x_\ell = H_\ell(x_{\ell-1}) + W_s x_{\ell-1}$, used only where the
    shape changes ("/2": stride 2). The boxes are read off the layers `dl.residual_block` builds.*

    ### The pre-activation order: BN-ReLU-Conv

    In the original ResNet (He et al., 2016a) a block is Conv-BN-ReLU-Conv-BN, then
    the addition, then a ReLU. That last ReLU sits on the shortcut path: a block
    computes $x_\ell = \mathrm{ReLU}\big(H_\ell(x_{\ell-1}) + x_{\ell-1}\big)$, and the
    unrolled sum above no longer holds. In *Identity Mappings in Deep Residual
    Networks* (He et al., 2016b) the same authors moved BN and ReLU in front of each
    convolution and left nothing after the addition. The shortcut path is then an
    exact identity from any block to any later one, and a 1001-layer ResNet trained
    well.

    DenseNet inherits this order: its composite function $H_\ell$ is BN, then ReLU,
    then a 3x3 convolution (Huang et al., 2017, Sec. 3, citing He et al. 2016b).
    `dl.residual_block` builds either order (`preactivation=True` is the default):
    """),
    code("""
    fig, axes = plt.subplots(2, 1, figsize=(8, 4.6))
    dl.figures.draw_residual_block(preactivation=False, ax=axes[0])
    dl.figures.draw_residual_block(preactivation=True, ax=axes[1])
    plt.show()
    """),
    md(r"""
    *Figure 1.2. Top: the original block; its final ReLU sits on the path from
    $x_{\ell-1}$ to $x_\ell$. Bottom: the pre-activation block; the path from
    $x_{\ell-1}$ to $x_\ell$ is a bare identity. Exercise 2 checks the difference
    numerically.*

    ## ResNet-20 and its plain twin

    `dl.ResNetCIFAR(depth=20)` is the CIFAR ResNet of He et al. (2016a, Sec. 4.2): a
    3x3 convolution, three stages of $n$ residual blocks with 16, 32 and 64 channels
    (depth $6n + 2$: $6n$ convolutions in the blocks, plus the first convolution
    and the classifier), global average pooling and a classifier. `plain=True`
    builds the same stack without the shortcuts.
    """),
    code("""
    keras.utils.set_random_seed(0)
    resnet = dl.ResNetCIFAR(depth=20)
    plain = dl.ResNetCIFAR(depth=20, plain=True)
    n = (20 - 2) // 6
    widths = [resnet.get_layer(f"stage{s}_block1_2_conv").filters
              for s in (1, 2, 3)]
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
    Identity shortcuts have no weights, so the whole difference is the two
    projections, where stages 2 and 3 begin. (He et al. used zero-padding, option A,
    in their CIFAR ResNets, so there the twins have exactly the same parameters;
    `dl.ResNetCIFAR` uses projections, option B.)
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    projections = [l for l in resnet.layers if l.name.endswith("_0_conv")]
    for layer in projections:
        print(f"{layer.name}: kernel {tuple(layer.kernel.shape)}")
    print("16*32 + 32*64 =", 16 * 32 + 32 * 64,
          "| their parameters:", sum(l.count_params() for l in projections))
    """),
    md(r"""
    ## Gradients at initialization

    Does the shortcut change what the gradient sees? We take the 56-layer twins,
    one batch of 32 training images, and measure the gradient of the loss for every
    weight. A trick keeps this backend-agnostic: one step of plain SGD with learning
    rate 1 moves each weight $w$ to $w - \nabla_w \mathcal{L}$, so the change that
    `train_on_batch` makes *is* the gradient.
    """),
    code("""
    def gradient_norms(model, images, labels):
        \"\"\"The norm of dLoss/dw for each trainable weight w, by path.\"\"\"
        weights = model.trainable_weights
        before = [keras.ops.convert_to_numpy(w) for w in weights]
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0),
                      loss="sparse_categorical_crossentropy")
        model.train_on_batch(images, labels)
        after = [keras.ops.convert_to_numpy(w) for w in weights]
        return {w.path: float(np.linalg.norm(b - a))
                for w, b, a in zip(weights, before, after)}

    def conv_gradient_norms(depth, plain):
        \"\"\"Gradient norms of the main-path 3x3 kernels, input side first.\"\"\"
        keras.utils.set_random_seed(0)
        model = dl.ResNetCIFAR(depth=depth, plain=plain)
        grads = gradient_norms(model, data.x_train[:32], data.y_train[:32])
        return [v for path, v in grads.items()
                if path.endswith("conv/kernel") and "_0_conv" not in path]

    norms = {"residual": conv_gradient_norms(56, plain=False),
             "plain": conv_gradient_norms(56, plain=True)}
    """),
    code("""
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    for kind, values in norms.items():
        ax.semilogy(np.arange(1, len(values) + 1), values, ".-", label=f"{kind}-56")
    ax.set(xlabel="3x3 convolution (1 = next to the input)",
           ylabel="gradient norm (log scale)",
           title="Gradient norms at initialization, one batch")
    ax.legend()
    plt.show()
    for kind, values in norms.items():
        spread = max(values) / min(values)
        print(f"{kind:>8}: largest / smallest gradient norm = {spread:.3g}")
    """),
    md(r"""
    *Figure 1.3. The norm of $\partial\mathcal{L}/\partial W$ for every 3x3 kernel $W$
    of the 56-layer nets, before any training (log scale).*

    In the plain net the gradient norms spread over orders of magnitude: they grow
    from the classifier back toward the input. This is not vanishing but
    *exploding*: Yang et al. (2019) showed that in deep networks with batch
    normalization and no shortcuts, gradients explode at initialization. In the residual
    net, the identity paths keep the norms far closer together (the cell above
    prints both spreads). The exact values depend on the random seed and the
    batch, so the checked cell below compares only their shape:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    spread = {kind: max(v) / min(v) for kind, v in norms.items()}
    plain_norms = norms["plain"]
    print("main-path 3x3 convolutions:", len(plain_norms))
    print("plain spread > 10 x residual spread:",
          bool(spread["plain"] > 10 * spread["residual"]))
    print("plain: first 5 convolutions' gradients > last 5's:",
          bool(min(plain_norms[:5]) > max(plain_norms[-5:])))
    """),
    md(r"""
    ## The degradation problem, measured

    Now the real test: train plain-20, plain-56 and their residual twin ResNet-56 in
    exactly the same way (SGD with momentum 0.9 and learning rate 0.1, as He et al.;
    the same seed and the same batches for all three), and record the training error
    of every step. We look at *training* error on purpose: the degradation problem
    is about fitting the training set.
    """),
    code("""
    epochs = profile.pick(quick=2, full=20)
    batch_size = profile.pick(quick=64, full=128)

    def train(model, epochs, batch_size, seed=0):
        \"\"\"SGD, lr 0.1, momentum 0.9; returns the training error of every step.\"\"\"
        model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
                      loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        rng, errors = np.random.default_rng(seed), []
        steps = len(data.x_train) // batch_size  # full batches only
        for epoch in range(epochs):
            order = rng.permutation(len(data.x_train))
            for step in range(steps):
                batch = order[step * batch_size:(step + 1) * batch_size]
                x, y = data.x_train[batch], data.y_train[batch]
                logs = model.train_on_batch(x, y, return_dict=True)
                errors.append(1.0 - float(logs["accuracy"]))
        return np.array(errors)

    steps = len(data.x_train) // batch_size
    print(f"{epochs} epochs of {steps} steps, batch size {batch_size}")
    """),
    code("""
    curves = {}
    for name, depth, plain in [("plain-20", 20, True), ("plain-56", 56, True),
                               ("resnet-56", 56, False)]:
        keras.utils.set_random_seed(0)
        model = dl.ResNetCIFAR(depth=depth, plain=plain, classes=data.classes)
        curves[name] = train(model, epochs, batch_size)
    """),
    code("""
    window = max(1, len(curves["plain-20"]) // 10)
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for (name, errors), style in zip(curves.items(), ["-", "--", "-"]):
        smooth = np.convolve(errors, np.ones(window) / window, mode="valid")
        steps = np.arange(window, len(errors) + 1)
        ax.plot(steps, 100 * smooth, style, label=name)
    ax.set(xlabel="training step", ylim=(0, 100),
           ylabel=f"training error, % (mean of {window} steps)",
           title=f"Training on {data.name}, {epochs} epochs")
    ax.legend()
    plt.show()
    """),
    md(r"""
    *Figure 1.4. Training error of the plain 20- and 56-layer nets and of the
    56-layer residual net, step by step (a moving average). He et al.'s Figure 1
    and Figure 6 show the same comparison on CIFAR-10 over 64,000 steps.*

    Whether a short run reproduces He et al. depends on the data, the number of
    steps and the seed, so the next cell does not assume it. It compares the mean
    training error of each net over its last epoch and says what *this* run shows:
    """),
    code("""
    last = len(curves["plain-20"]) // epochs  # the steps of the last epoch
    final = {name: float(e[-last:].mean()) for name, e in curves.items()}
    for name, error in final.items():
        print(f"{name:>9}: {100 * error:5.1f} % training error, last epoch")
    degraded = final["plain-56"] > final["plain-20"]
    fixed = final["resnet-56"] < final["plain-56"]
    print("Degradation:",
          "the deeper plain net fits the training set worse than the shallower one."
          if degraded else "not visible in this run: plain-56 fits the training "
          "set at least as well as plain-20.")
    print("Residual learning:",
          "with shortcuts, the 56-layer net fits the training set better."
          if fixed else "not visible in this run: resnet-56 does not fit the "
          "training set better than plain-56.")
    dl.record_metrics(ch01_final_train_error=final, ch01_degraded=degraded,
                      ch01_residual_fixes=fixed)
    """),
    md(r"""
    With the full profile on CIFAR-10, He et al. found both effects clearly:
    plain-56 above plain-20 throughout training, and ResNet-56 below ResNet-20
    (deeper *helps* once the shortcuts are there). A short run on the digits can
    tell a different story; the sentences above are computed from the curves, not
    written in advance. Two things to keep in mind when reading them: a few epochs
    show only the *beginning* of training, when the plain-56 has just started from
    the badly scaled gradients measured above, and the error is measured on the training batches with BN in training
    mode, as in He et al.'s training curves. (We do not quote test accuracy here:
    after a few dozen steps, BN's moving averages, which the test pass uses, are not
    yet settled.)

    ## Exercises

    **Exercise 1.** Count by hand the parameters of a pre-activation residual block
    with 32 input and 32 output channels and an identity shortcut (remember that BN
    keeps four numbers per channel: $\gamma$, $\beta$ and the moving mean and
    variance). Check your count with `dl.residual_block`.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    c = 32
    by_hand = 2 * (3 * 3 * c * c) + 2 * (4 * c)  # two 3x3 kernels, two BNs
    inputs = keras.Input(shape=(8, 8, c))
    built = keras.Model(inputs, dl.residual_block(inputs, c, name="ex1"))
    print("by hand:", by_hand, "| dl.residual_block:", built.count_params(),
          "| equal:", by_hand == built.count_params())
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 2.** Set the second convolution of a block to zero, so that
    $H_\ell = 0$. Show that the pre-activation block then computes exactly the
    identity, and that the original (post-activation) block does not. What does it
    compute instead, and why does that matter for the unrolled sum
    $x_L = x_\ell + \sum_i H_i(x_{i-1})$?
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    x = np.random.default_rng(1).normal(size=(2, 8, 8, 16)).astype("float32")
    for pre in (True, False):
        inputs = keras.Input(shape=(8, 8, 16))
        out = dl.residual_block(inputs, 16, name="ex2", preactivation=pre)
        block = keras.Model(inputs, out)
        kernel = block.get_layer("ex2_2_conv").kernel
        kernel.assign(np.zeros(kernel.shape, "float32"))
        y = keras.ops.convert_to_numpy(block(x, training=False))
        print(f"preactivation={pre!s:5}: output == x: {np.allclose(y, x)!s:5} | "
              f"output == ReLU(x): {np.allclose(y, np.maximum(x, 0))}")
    # The original block returns ReLU(x): it drops the negative half of its
    # input, so x_L is not x_l plus a sum of corrections, and the gradient
    # has no clean identity term.
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 3.** ResNet-110 is the deepest network of He et al.'s CIFAR table.
    What is $n$? Check that `dl.ResNetCIFAR(depth=110)` has $6n + 1$ convolutions
    with 3x3 kernels plus one classifier (that is what "110 layers" counts), and
    compare its parameters with the 1.7M of He et al.'s Table 6.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    n = (110 - 2) // 6
    resnet110 = dl.ResNetCIFAR(depth=110)
    convs3x3 = [l for l in resnet110.layers
                if isinstance(l, layers.Conv2D) and l.kernel_size == (3, 3)]
    dense = [l for l in resnet110.layers if isinstance(l, layers.Dense)]
    print(f"n = {n}; 3x3 convolutions: {len(convs3x3)} (6n + 1 = {6 * n + 1});"
          f" classifier layers: {len(dense)}")
    print(f"parameters: {resnet110.count_params() / 1e6:.1f}M")
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 4.** Is the plain network's gradient spread a matter of depth? Use
    `conv_gradient_norms` from above to measure the spread (largest over smallest
    gradient norm) of the plain and residual nets at depth 20 and compare it with
    depth 56.
    """),
    code("""
    norms_20 = {"residual": conv_gradient_norms(20, plain=False),
                "plain": conv_gradient_norms(20, plain=True)}
    for depth, row in [(20, norms_20), (56, norms)]:  # depth 56: measured above
        for kind, v in row.items():
            spread = max(v) / min(v)
            per_layer = spread ** (1 / (len(v) - 1))
            print(f"{kind:>8}-{depth}: spread {spread:8.3g}"
                  f" = x{per_layer:.2f} per layer")
    # If a net's per-layer factor is about the same at both depths, its spread
    # grows geometrically with depth: each layer multiplies the gradient by
    # roughly the same factor. Compare the plain and residual factors: the
    # shortcuts keep the residual net's factor closer to 1.
    """, tags=("hide-cell",)),
    md(r"""
    ## Summary

    - **Degradation**: past some depth, plain networks fit their *training* set worse
      when layers are added, although a deeper net could always imitate a shallower
      one. It is an optimization problem, not overfitting.
    - **Residual learning**: a block computes $x_\ell = H_\ell(x_{\ell-1}) + x_{\ell-1}$,
      so the identity costs nothing to learn, and the gradient reaches every block
      through the term $I$ of $\partial x_L / \partial x_\ell$.
    - **Shortcuts**: identity shortcuts have no weights; a projection $W_s$ (a 1x1
      convolution) is used only where the shape changes: two of them in ResNet-20, as
      counted above.
    - **Pre-activation**: $H_\ell$ = BN-ReLU-Conv with nothing after the addition makes
      the shortcut path an exact identity. DenseNet's layers use this order.
    - **Measured**: at initialization the plain net's gradient norms spread over orders
      of magnitude while the residual net's stay close; the training run above says
      what this profile shows about the training error.

    The addition has a cost, which the DenseNet paper points out (Sec. 3): the sum
    mixes $x_{\ell-1}$ and $H_\ell(x_{\ell-1})$ into one tensor, and a later layer can
    no longer tell them apart. Chapter 2 keeps them apart by *concatenating* instead.

    ## References

    - K. He, X. Zhang, S. Ren, J. Sun. *Deep Residual Learning for Image Recognition.* CVPR 2016 (2016a).
    - K. He, X. Zhang, S. Ren, J. Sun. *Identity Mappings in Deep Residual Networks.* ECCV 2016 (2016b).
    - G. Huang, Z. Liu, L. van der Maaten, K. Q. Weinberger. *Densely Connected Convolutional Networks.* CVPR 2017.
    - G. Yang, J. Pennington, V. Rao, J. Sohl-Dickstein, S. S. Schoenholz. *A Mean Field Theory of Batch Normalization.* ICLR 2019.
    """),
]
