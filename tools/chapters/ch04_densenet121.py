"""Chapter 4: DenseNet-121 (written to chapters/04_densenet121.ipynb by tools/make_chapters.py)."""

from .common import COLAB_CELL, code, md, setup_cell  # noqa: F401

CELLS = [
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
