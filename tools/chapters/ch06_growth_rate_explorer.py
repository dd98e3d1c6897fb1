"""Chapter 6: the growth-rate explorer (written to chapters/06_growth_rate_explorer.ipynb by tools/make_chapters.py)."""

from .common import COLAB_CELL, code, md, setup_cell  # noqa: F401

CELLS = [
    md(r"""
    # Chapter 6 — Growth-rate explorer

    Every width inside a DenseNet follows from a handful of settings: the growth
    rate $k$, the number of layers in each Dense Block, the channels $k_0$ of the
    first convolution, the bottleneck switch, the compression $\theta$ and the
    input size. Layer $\ell$ of a block outputs $k_0 + k\ell$ channels; a
    transition keeps $\lfloor\theta c\rfloor$ of its $c$ input channels and halves
    the feature map.

    This page lets you move those settings and watch the channel counts,
    parameters and multiply-adds change. There are two explorers:

    - **Explorer 1 runs in your browser.** It works right here in the HTML book,
      with no Python kernel: a small JavaScript port of `dl.channel_plan`
      recomputes every number as you drag a slider.
    - **Explorer 2 is live Python** (ipywidgets and matplotlib). It **needs a
      running kernel** — Jupyter, JupyterLab or Colab — and adds the paper's
      Figure 1 diagram for small blocks.

    Both show the same numbers, and the tests check them against each other and
    against models actually built.
    """),
    code(COLAB_CELL),
    code(setup_cell("none: arithmetic only (dl.channel_plan), no data set")),
    md(r"""
    ## The numbers behind the sliders

    `dl.explorer.report` prints what both explorers display, for any preset and
    any override: the channels after each layer of one Dense Block, the channels
    entering and leaving every block and transition with the feature-map size
    after it, and the totals. For DenseNet-121 (paper Table 1):
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    print(dl.explorer.report(preset="densenet121", block=1))
    """),
    md(r"""
    ## Explorer 1: in your browser (no kernel needed)

    One line of Python writes a self-contained piece of HTML and JavaScript into
    the notebook's output. Nothing is fetched from the network, so it keeps
    working in the rendered book, offline, and in a notebook whose kernel has
    stopped. It starts from DenseNet-BC with $L = 100$ and $k = 12$ (paper Table 2):
    """),
    code("""
    dl.explorer.static_explorer(preset="densenet_bc100_k12", block=1)
    """),
    md(r"""
    Things to try:

    - Drag **growth rate k** down and up. Every layer of a block adds exactly $k$
      channels, so the bars rise in equal steps of $k$, and the block's output is
      $k_0 + k \cdot (\text{layers})$.
    - Drag **compression θ** to 1: the transitions stop shrinking the width, and
      each block starts from everything the previous block produced. At
      $\theta = 0.5$ (DenseNet-C) every transition halves it.
    - Untick **bottleneck**: each layer's 3×3 convolution then reads all
      $k_0 + k(\ell - 1)$ channels directly instead of a 1×1 reduction to $4k$;
      compare the parameters and multiply-adds.
    - Pick **DenseNet-121** and set the input size to 225: the ImageNet stem
      rounds sizes up (a 7×7 convolution with stride 2, then a 3×3 max pool
      with stride 2), and each transition's 2×2 pooling rounds down.
    - Type a value outside a range, say 100 into the box next to the $k$
      slider: the explorer clamps it to the largest allowed value and tells
      you so; text that is not a number is refused and the previous value kept.
    """),
    md(r"""
    ## Explorer 2: live in a notebook (needs a running kernel)

    The second explorer is built from core ipywidgets and computed by the Python
    kernel (`dl.channel_plan`, the same function the rest of the book uses), and
    draws with matplotlib: a bar chart of the channels in the chosen block and,
    for blocks of at most 8 layers, the paper's Figure 1
    (`dl.figures.draw_dense_block`).

    **This one needs a kernel.** In the HTML book there is none: below you see a
    snapshot of the widgets as they were when the book was built, and moving
    them recomputes nothing. Open this page in Colab (the rocket icon at the top)
    or in Jupyter to use it, or use Explorer 1 above.
    """),
    code("""
    dl.explorer.live_explorer(preset="densenet_bc100_k12", blocks=(4, 8, 16))
    """),
    md(r"""
    ## The numbers shown are the model's

    Whatever the explorers show, a model built with the same settings has.
    `dl.explorer.explorer_view` returns exactly what they display. Take growth
    rate 6, compression 0.3 and three blocks of 2, 3 and 4 layers on 40-pixel
    images, build that model, and compare its layers with the table:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    plan = dl.explorer.explorer_plan("densenet_bc100_k12", growth_rate=6, compression=0.3,
                                     blocks=(2, 3, 4), input_size=40)
    shown = dl.explorer.explorer_view(plan, block=1)
    model = dl.build_densenet(plan.config)
    print(f"{'layer':<22} {'shown':>6} {'built':>6}  feature map shown / built")
    for row in shown["boundaries"]:
        shape = model.get_layer(row["name"]).output.shape
        built_size = f"{shape[1]}x{shape[2]}" if len(shape) == 4 else "1x1"
        print(f"{row['name']:<22} {row['channels_out']:>6} {shape[-1]:>6}  {row['size']} / {built_size}")
    print(f"parameters: shown {shown['params']:,}, built {model.count_params():,}")
    """),
    md(r"""
    ## Bad input

    Both explorers take typed values leniently: a number outside its range is
    clamped into it with a message, and text that is not a number is refused
    (the previous value stays). The Python functions are strict instead: a bad
    setting raises a `ValueError` that names the parameter.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    settings, messages = dl.explorer.clamp_settings(
        {"growth_rate": "100", "blocks": "6, twelve"}, dl.explorer.explorer_settings("densenet121"))
    print("\\n".join(messages))
    for bad in [dict(growth_rate=100), dict(compression=0), dict(input_size=16)]:
        try:
            dl.explorer.static_explorer(preset="densenet121", **bad)
        except ValueError as error:
            print("ValueError:", error)
    """),
    md(r"""
    ## What the sliders teach

    The growth rate sets the width of everything. With DenseNet-121's blocks,
    $k_0 = 2k$ and $\theta = 0.5$, every channel count is a multiple of $k$, so
    the final width grows in proportion to $k$, while the parameters grow faster:
    a bottleneck layer holds a $1\times1$ convolution of $c \cdot 4k$ weights,
    where $c$ itself grows with $k$, and a $3\times3$ one of $9 \cdot 4k \cdot k$.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    for k in (12, 24, 32, 48):
        plan = dl.explorer.explorer_plan("densenet121", growth_rate=k)
        print(f"k = {k:>2}: final channels {plan.output_channels:>5}, "
              f"parameters {plan.params / 1e6:6.2f} M, multiply-adds {plan.macs / 1e9:5.2f} G")
    """),
    md(r"""
    Compression works the other way: it trims the channels between blocks, and
    with them the input of every later layer.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    for theta in (1.0, 0.5, 0.25):
        plan = dl.explorer.explorer_plan("densenet121", compression=theta)
        widths = [row.channels_out for row in plan.rows if row.kind == "transition"]
        print(f"θ = {theta:<4}: transitions output {widths}, parameters {plan.params / 1e6:5.2f} M")
    """),
    md(r"""
    ## Summary

    - A Dense Block's width grows by $k$ per layer, $k_0 + k\ell$; a transition
      keeps $\lfloor\theta c\rfloor$ channels and halves the feature map.
    - `dl.explorer.static_explorer(...)` shows a kernel-free explorer (HTML and
      JavaScript, no CDN) that works in the rendered book;
      `dl.explorer.live_explorer(...)` shows the ipywidgets version, which needs a
      running kernel.
    - Both show `dl.channel_plan`'s numbers, equal to the model actually built;
      typed values out of range are clamped with a message, and the Python
      functions raise a `ValueError` naming the parameter.
    """),
]
