"""Write the skeleton chapter notebooks of "DenseNet, from residuals up".

Each chapter is a list of cells (Markdown or code, as Python strings); this
script turns them into ``chapters/NN_name.ipynb`` with nbformat, without
outputs and with stable cell ids (so regenerating gives clean diffs).
Execute them afterwards so the stored outputs are real:

    python tools/make_chapters.py              # all chapters
    python tools/make_chapters.py 02 04        # only chapters 02 and 04
    jupyter nbconvert --to notebook --execute --inplace \\
        --ExecutePreprocessor.timeout=600 chapters/02_dense_block.ipynb

Conventions every chapter follows: a title and short introduction, the Colab
install cell, a setup cell that announces the profile and the data, short
code cells with a few sentences between them, and a Summary. Cells whose
printed text is deterministic and quoted start with ``# NBVAL_CHECK_OUTPUT``
(``pytest --nbval-lax`` compares only those); they print no timings, memory
addresses or float noise. Prose never copies a computed number by hand.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS_DIR = ROOT / "chapters"

COLAB_CELL = """\
# On Colab, install densenet_lib from the book's repository; elsewhere this does nothing.
import sys
if "google.colab" in sys.modules:
    %pip install -q "densenet_lib @ git+https://github.com/densenet-book/densenet-from-residuals"
"""


def setup_cell(data: str, extra_imports: str = "") -> str:
    """The third cell of every chapter: quiet TensorFlow, imports, the profile."""
    imports = "import keras\nimport numpy as np\n" + extra_imports
    return (
        'import os\nos.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")\n\n'
        f"{imports}\nimport densenet_lib as dl\n\n"
        f"profile = dl.current_profile().announce(data={data!r})\n"
    )


def md(text: str):
    return ("markdown", text)


def code(text: str):
    return ("code", text)


# --------------------------------------------------------------------------
# Chapter 1: ResNet residuals
# --------------------------------------------------------------------------

CH01 = [
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

# --------------------------------------------------------------------------
# Chapter 2: the Dense Block
# --------------------------------------------------------------------------

CH02 = [
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

# --------------------------------------------------------------------------
# Chapter 3: bottleneck and transition layers
# --------------------------------------------------------------------------

CH03 = [
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

# --------------------------------------------------------------------------
# Chapter 4: DenseNet-121
# --------------------------------------------------------------------------

CH04 = [
    md(r"""
    # Chapter 4 — DenseNet-121

    DenseNet-121 is the ImageNet DenseNet-BC of the paper's Table 1: a 7x7
    convolution and a max pooling, four Dense Blocks with bottlenecks and growth
    rate $k = 32$, transitions with $\theta = 0.5$, and a classifier. Here we check
    that `dl.DenseNet121()`, assembled from the pieces of the previous chapters,
    is the same network as `keras.applications.DenseNet121`: same parameters, and,
    after copying the weights across by layer name, the same outputs.
    """),
    code(COLAB_CELL),
    code(setup_cell("random tensors (no data set); random weights (nothing downloaded)")),
    md(r"""
    ## Two builds of the same network

    Both models start from random weights (`weights=None`: nothing is downloaded).
    """),
    code("""
    keras.utils.set_random_seed(0)
    ours = dl.DenseNet121()
    reference = keras.applications.DenseNet121(weights=None)
    plan = dl.channel_plan(dl.imagenet_config(121))
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    def trainable_count(model):
        return sum(int(np.prod(w.shape)) for w in model.trainable_weights)

    print(f"{'':<28} {'total':>10} {'trainable':>10}")
    for label, model in [("dl.DenseNet121", ours), ("keras.applications", reference)]:
        print(f"{label:<28} {model.count_params():>10,} {trainable_count(model):>10,}")
    print(f"{'dl.channel_plan':<28} {plan.params:>10,} {plan.trainable_params:>10,}")
    """),
    md(r"""
    ## Same weights, same function

    `dl.transfer_weights` copies every weighted layer of the reference into the
    layer of the same name in ours (and fails loudly if any name or shape differs).
    Then the same random batch goes through both.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    copied = dl.transfer_weights(reference, ours)
    print("weighted layers copied:", copied)
    """),
    code("""
    x = np.random.default_rng(0).normal(size=(2, 224, 224, 3)).astype("float32")

    def features_and_predictions(model):
        \"\"\"The final feature maps (after the last BN-ReLU) and the class probabilities.\"\"\"
        probe = keras.Model(model.input, [model.get_layer("relu").output, model.output])
        return [keras.ops.convert_to_numpy(t) for t in probe(x, training=False)]

    (feat_ours, pred_ours), (feat_ref, pred_ref) = features_and_predictions(ours), features_and_predictions(reference)
    max_abs_diff = float(np.max(np.abs(pred_ours - pred_ref)))
    feature_diff = float(np.max(np.abs(feat_ours - feat_ref)))
    print("predictions:", pred_ours.shape, "max |ours - reference| =", max_abs_diff)
    print("features:   ", feat_ours.shape, "max |ours - reference| =", feature_diff)
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    print("max_abs_diff < 1e-5:", max_abs_diff < 1e-5)
    print("feature maps agree to 1e-5:", feature_diff < 1e-5)
    """),
    md(r"""
    ## Stage by stage

    The plan's boundary rows are the paper's Table 1 view: the output of the stem,
    of each Dense Block and of each transition, then the classifier. The last
    column checks each against the built model's layer of the same name.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    print(f"{'layer':<22} {'kind':<12} {'channels':>8} {'size':>8}  matches model")
    for r in plan.boundaries():
        expected = (r.channels_out,) if r.kind == "head" else (r.height, r.width, r.channels_out)
        same = tuple(ours.get_layer(r.name).output.shape[1:]) == expected
        print(f"{r.name:<22} {r.kind:<12} {r.channels_out:>8} {f'{r.height}x{r.width}':>8}  {same}")
    """),
    md(r"""
    ## Summary

    - `dl.DenseNet121()` has exactly the parameters of `keras.applications.DenseNet121`,
      and `dl.channel_plan` predicts them without building anything.
    - With the reference's weights copied in by layer name, both models compute the
      same function on the same input (the checked cell above).
    - The stage table follows the paper's Table 1: a Dense Block of $n$ layers adds
      $32n$ channels, and each transition halves the channels and the feature maps.
    """),
]

CHAPTERS = {
    "01_resnet_residuals": CH01,
    "02_dense_block": CH02,
    "03_bottleneck_transition": CH03,
    "04_densenet121": CH04,
}


def build_notebook(key: str, cells) -> nbformat.NotebookNode:
    """A notebook of ``cells`` with stable ids ``<chapter>-<index>``."""
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    chapter = key.split("_", 1)[0]
    for i, (kind, source) in enumerate(cells):
        source = textwrap.dedent(source).strip("\n")
        cell = new_markdown_cell(source) if kind == "markdown" else new_code_cell(source)
        cell.id = f"ch{chapter}-{i:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def main(argv) -> None:
    wanted = set(argv)
    unknown = wanted - {key.split("_", 1)[0] for key in CHAPTERS}
    if unknown:
        raise SystemExit(f"unknown chapter(s) {sorted(unknown)}; known: {[k[:2] for k in CHAPTERS]}")
    CHAPTERS_DIR.mkdir(exist_ok=True)
    for key, cells in CHAPTERS.items():
        if wanted and key.split("_", 1)[0] not in wanted:
            continue
        path = CHAPTERS_DIR / f"{key}.ipynb"
        nbformat.write(build_notebook(key, cells), path)
        print(f"wrote {path.relative_to(ROOT)} ({len(cells)} cells)")


if __name__ == "__main__":
    main(sys.argv[1:])
