"""Chapter 4: DenseNet-121.

Written to chapters/04_densenet121.ipynb by tools/make_chapters.py.
"""

from .common import COLAB_CELL, code, md, setup_cell  # noqa: F401

CELLS = [
    md(r"""
    # Chapter 4 — DenseNet-121

    DenseNet-121 is the ImageNet DenseNet-BC of the paper's Table 1: a
    $7\times7$ convolution and a max pooling, four Dense Blocks of bottleneck
    layers with growth rate $k = 32$, three transitions with $\theta = 0.5$, and
    a classifier. In this chapter we regenerate Table 1 from the library, build
    DenseNet-121 from `keras.layers` and from `densenet_lib`, fold its hundreds
    of Keras layers into nine stages, set it beside ResNet-50, prove that it is the
    same network as `keras.applications.DenseNet121`, and read the Keras 1 code
    this book grew from line by line in today's Keras.

    **After this chapter you can**

    - derive every number of the paper's Table 1 (output sizes, channels, depth)
      from the four block lengths, and explain why "DenseNet-264" has 265 layers;
    - build DenseNet-121 in about thirty lines of `keras.layers`, and show that it
      computes the same function as `dl.DenseNet121()` and `keras.applications`;
    - compare DenseNet-121 and ResNet-50 in parameters and multiply-adds, stage by
      stage, and say what these numbers do *not* tell you;
    - translate Keras 1 DenseNet code (`Convolution2D`, `merge`, `Scale`,
      `image_dim_ordering`, `reduction`) into Keras 3.
    """),
    code(COLAB_CELL),
    code(setup_cell(
        "random tensors (no data set); random weights (nothing downloaded)",
        "import matplotlib.pyplot as plt\n"
        "import re\nfrom keras import layers\nfrom densenet_lib import counting, paper\n",
    )),
    md(r"""
    ## Table 1, regenerated

    The four ImageNet DenseNets differ only in their block lengths
    $(n_1, n_2, n_3, n_4)$. Everything else in Table 1 follows from them and
    from $k = 32$, $\theta = 0.5$ and a stem of $2k = 64$ channels: block $b$
    outputs $k_0^{(b)} + 32\,n_b$ channels, each transition halves them and the
    feature-map size. `dl.channel_plan(dl.imagenet_config(d))` computes all of
    it for a $224\times224$ input; the table below is drawn from those plans.
    """),
    code("""
    depths = (121, 169, 201, 264)
    plans = {d: dl.channel_plan(dl.imagenet_config(d)) for d in depths}

    def table1_column(plan):
        \"\"\"(output size, channels out) for each row of Table 1, from one plan.\"\"\"
        stem, *middle, head = plan.boundaries()
        conv = (plan.config.input_shape[0] + 2 * 3 - 7) // 2 + 1  # pad 3, 7x7, stride 2
        column = [(f"{conv}²", stem.channels_out), (f"{stem.height}²", stem.channels_out)]
        size = stem.height
        for r in middle:
            if r.kind == "dense_layer":
                n = len(plan.block(r.block))
                column.append((f"{r.height}²", f"{n} → {r.channels_out}"))
            else:
                column.append((f"{size}² → {r.height}²", r.channels_out))
            size = r.height
        column.append(("1²", head.channels_out))
        return column

    operations = ["7×7 conv, stride 2", "3×3 max pool, stride 2", "[1×1, 3×3 conv] × n",
                  "1×1 conv, 2×2 avg pool", "global avg pool, FC, softmax"]
    kinds = {"stem": None, "dense_block": 2, "transition": 3, "head": 4}
    columns = {d: table1_column(p) for d, p in plans.items()}
    rows = []
    for i, row in enumerate(paper.TABLE1_ROWS):
        operation = operations[kinds[row.kind] if row.kind != "stem" else i]
        rows.append([row.layer, columns[121][i][0], operation]
                    + [columns[d][i][1] for d in depths])
    rows += [["<b>layers L</b>", "", "as counted"]
             + [p.config.num_layers for p in plans.values()],
             ["<b>parameters</b>", "", "millions"]
             + [f"{p.params / 1e6:.2f}" for p in plans.values()],
             ["<b>multiply-adds</b>", "", "billions per image"]
             + [f"{p.macs / 1e9:.2f}" for p in plans.values()]]
    dl.reporting.html_table(["", "output", "operation"] + [f"DN-{d}" for d in depths], rows)
    """),
    md(r"""
    *Table: the paper's Table 1 recomputed by `dl.channel_plan` for a 224×224 input (k = 32). Each column DN-121 ... DN-264 (DenseNet-121 ... DenseNet-264) gives the channels a row outputs, for a Dense Block "n → channels"; the last three rows are not in the paper.*

    The paper's table leaves out the channel counts; here they are. The checks
    below compare the rest with the transcription of Table 1 in
    `densenet_lib.paper`:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    def normalized(size):  # "56 x 56 -> 28 x 28" -> "56²→28²"
        return re.sub(r"(\\d+)x\\1", r"\\1²", size.replace(" ", "")).replace("->", "→")

    sizes = [size.replace(" ", "") for size, _ in columns[121]]
    print("output sizes as in Table 1:",
          sizes == [normalized(r.output_size) for r in paper.TABLE1_ROWS])
    print("block lengths as in Table 1:",
          all(p.config.blocks == paper.TABLE1_BLOCKS[d] for d, p in plans.items()))
    for d, p in plans.items():
        n = p.config.blocks
        L = p.config.num_layers
        print(f"DenseNet-{d}: L = 1 + 2*{sum(n)} + {len(n) - 1} + 1 = {L}")
    """),
    md(r"""
    The depth counts the layers with weights on the main path, as the paper does
    for every model: the first convolution, two convolutions per bottleneck layer,
    one per transition, and the classifier,

    $$L = 1 + 2\sum_b n_b + 3 + 1.$$

    For the blocks Table 1 gives "DenseNet-264", $(6, 12, 64, 48)$, this is 265,
    as the check above prints (and `tests/unit/test_exactness.py` asserts): the
    name is off by one. We keep Table 1's blocks and its name, as other
    implementations do. Exercise 1 shows that no four-block network of this kind
    can have 264 layers.

    ## Building DenseNet-121

    From scratch, DenseNet-121 needs three small functions and one loop. The code
    below follows the structure (and the names) of the Keras 1 code this book
    started from, translated into Keras 3; the last section of this chapter maps
    it line by line. Its arguments keep the old names: `nb_filter` is the running
    channel count, `reduction` is $1 - \theta$, `eps` the batch-norm epsilon.
    """),
    code("""
    def seed_densenet121(reduction=0.5, eps=1.1e-5, growth_rate=32, nb_filter=64,
                         nb_layers=(6, 12, 24, 16)):
        \"\"\"The seed's DenseNet121 in Keras 3 (BN + Scale folded into one BN).\"\"\"
        compression = 1.0 - reduction

        def bn_relu(x):
            x = layers.BatchNormalization(axis=-1, epsilon=eps)(x)
            return layers.Activation("relu")(x)

        def conv_block(x, nb_filter):  # BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k)
            x = layers.Conv2D(4 * nb_filter, 1, use_bias=False)(bn_relu(x))
            x = layers.ZeroPadding2D(1)(bn_relu(x))
            return layers.Conv2D(nb_filter, 3, use_bias=False)(x)

        def transition_block(x, nb_filter):  # BN-ReLU-Conv1x1(theta c)-AvgPool2x2
            x = bn_relu(x)
            x = layers.Conv2D(int(nb_filter * compression), 1, use_bias=False)(x)
            return layers.AveragePooling2D(2, strides=2)(x)

        img_input = keras.Input(shape=(224, 224, 3), name="data")
        x = layers.ZeroPadding2D(3)(img_input)
        x = layers.Conv2D(nb_filter, 7, strides=2, use_bias=False)(x)
        x = layers.ZeroPadding2D(1)(bn_relu(x))
        x = layers.MaxPooling2D(3, strides=2)(x)
        for stage, n in enumerate(nb_layers):
            for _ in range(n):
                x = layers.Concatenate(axis=-1)([x, conv_block(x, growth_rate)])
                nb_filter += growth_rate
            if stage < len(nb_layers) - 1:
                x = transition_block(x, nb_filter)
                nb_filter = int(nb_filter * compression)
        x = layers.GlobalAveragePooling2D()(bn_relu(x))
        x = layers.Dense(1000, activation="softmax")(x)
        return keras.Model(img_input, x, name="seed_densenet121")
    """),
    md(r"""
    The library builds the same network from the pieces of the previous chapters
    (`dl.dense_block`, `dl.transition_block`), with `keras.applications`' layer
    names and its epsilon. Both are built with random weights; the from-scratch
    model with `keras.applications`' epsilon, so that nothing but the code differs.
    """),
    code("""
    keras.utils.set_random_seed(0)
    ours = dl.DenseNet121()
    scratch = seed_densenet121(eps=1.001e-5)
    plan = plans[121]
    """),
    md(r"""
    The two models have their weights in the same order, so `set_weights` copies
    ours into the from-scratch one. Then the same random batch goes through both:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    x = np.random.default_rng(0).normal(size=(2, 224, 224, 3)).astype("float32")

    def predict(model):
        return keras.ops.convert_to_numpy(model(x, training=False))

    same_shapes = [w.shape for w in scratch.weights] == [w.shape for w in ours.weights]
    scratch.set_weights(ours.get_weights())
    same = np.allclose(predict(scratch), predict(ours), rtol=0, atol=1e-6)
    print(f"parameters: scratch {scratch.count_params():,}, ours {ours.count_params():,},"
          f" plan {plan.params:,}")
    print("same weight shapes, in order:", same_shapes)
    print("same outputs:", bool(same))
    """),
    md(r"""
    ## Stage by stage

    `model.summary()` prints one row per Keras layer, which for DenseNet-121 is
    hundreds of rows. `counting.stage_summary` folds them by
    `keras.applications`' layer names (`conv1_*` and `pool1` are the stem,
    `convN_*` is Dense Block $N-1$, `poolN_*` the transition after it) and reads
    the parameters and multiply-adds off the built layers:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    what = {"stem": "conv 7x7, pool", "head": "BN, pool, dense"}
    what |= {f"conv{b + 1}": f"Dense Block {b}" for b in range(1, 5)}
    what |= {f"pool{b + 1}": f"Transition {b}" for b in range(1, 4)}
    stages = counting.stage_summary(ours)
    print(f"{'stage':<6} {'':<17} {'layers':>6} {'params':>10} {'mult-adds':>14}  output")
    for s in stages:
        print(f"{s.stage:<6} {what[s.stage]:<17} {s.layers:>6} {s.params:>10,} "
              f"{s.macs:>14,}  {s.output_shape}")
    total_params, total_macs = sum(s.params for s in stages), sum(s.macs for s in stages)
    print(f"{'total':<24} {sum(s.layers for s in stages):>6} {total_params:>10,} "
          f"{total_macs:>14,}")
    print("params == count_params() == plan.params:",
          total_params == ours.count_params() == plan.params)
    print("multiply-adds == plan.macs:", total_macs == plan.macs)
    """),
    md(r"""
    Two things stand out in the table above. The parameters sit at the deep end
    (the third and fourth blocks hold most of them), while the multiply-adds sit
    at the $56\times56$ end, where every weight is applied at the most positions.
    And the three transitions cost exactly the same number of multiply-adds: a
    $1\times1$ convolution from $m$ to $m/2$ channels at $h \times w$ positions
    costs $hw\,m^2/2$, and here each transition sees twice the channels of the
    one before at a quarter of the positions.

    The plan's boundary rows give the same view without building anything; the
    last column checks each against the built model's layer of the same name:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    print(f"{'layer':<22} {'kind':<12} {'channels':>8} {'size':>8}  matches model")
    for r in plan.boundaries():
        expected = ((r.channels_out,) if r.kind == "head"
                    else (r.height, r.width, r.channels_out))
        same = tuple(ours.get_layer(r.name).output.shape[1:]) == expected
        size = f"{r.height}x{r.width}"
        print(f"{r.name:<22} {r.kind:<12} {r.channels_out:>8} {size:>8}  {same}")
    """),
    md(r"""
    ## Beside ResNet-50

    `keras.applications.ResNet50(weights=None)` is built locally, with random
    weights (nothing is downloaded). Its layers follow the same naming scheme, so
    the same two functions count it:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    resnet = keras.applications.ResNet50(weights=None)
    nets = {"DenseNet-121": ours, "ResNet-50": resnet}
    macs = {name: counting.model_macs(m) for name, m in nets.items()}

    def trainable_count(model):
        return sum(int(np.prod(w.shape)) for w in model.trainable_weights)

    print(f"{'':<13} {'layers':>6} {'params':>11} {'trainable':>11} {'mult-adds':>14}"
          "  features")
    for name, m in nets.items():
        final = m.get_layer("avg_pool").input.shape[1:]
        print(f"{name:<13} {len(m.layers):>6} {m.count_params():>11,} "
              f"{trainable_count(m):>11,} {macs[name]:>14,}  {final}")
    print(f"ResNet-50 / DenseNet-121: "
          f"{resnet.count_params() / ours.count_params():.1f}x the parameters, "
          f"{macs['ResNet-50'] / macs['DenseNet-121']:.2f}x the multiply-adds")
    """),
    md(r"""
    Stage by stage, with each DenseNet transition counted with the block before
    it (its $1\times1$ convolution runs at that block's resolution):
    """),
    code("""
    def by_resolution(model):
        \"\"\"Parameters and multiply-adds per stage; DenseNet's poolN joins convN.\"\"\"
        out = {}
        for s in counting.stage_summary(model):
            key = s.stage.replace("pool", "conv")
            params, macs = out.get(key, (0, 0))
            out[key] = (params + s.params, macs + s.macs)
        return out

    stats = {name: by_resolution(m) for name, m in nets.items()}
    keys = ["stem", "conv2", "conv3", "conv4", "conv5", "head"]
    labels = ["stem", "56×56\\nconv2", "28×28\\nconv3", "14×14\\nconv4", "7×7\\nconv5",
              "head"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    panels = [(0, 1e6, "parameters (millions)"), (1, 1e9, "multiply-adds (billions)")]
    for ax, (index, scale, title) in zip(axes, panels):
        for offset, name, color in [(-0.2, "DenseNet-121", "tab:blue"),
                                    (0.2, "ResNet-50", "tab:gray")]:
            heights = [stats[name][key][index] / scale for key in keys]
            ax.bar(np.arange(len(keys)) + offset, heights, width=0.4, color=color,
                   label=name)
        ax.set_xticks(range(len(keys)), labels, fontsize=8)
        ax.set_title(title)
    axes[0].legend()
    plt.tight_layout()
    plt.show()
    """),
    md(r"""
    *Figure: parameters and multiply-adds of DenseNet-121 and ResNet-50 per stage, read off the built models by `counting.stage_summary`.*

    DenseNet-121 has a fraction of ResNet-50's parameters (ResNet spends most of
    its own on the 2048-channel last stage) and fewer multiply-adds, and it
    spends them differently: more than ResNet-50 at $56\times56$, far less at
    $7\times7$. (The paper's Figure 3 makes the same comparison in accuracy:
    DenseNets reach a ResNet's ImageNet error with fewer parameters and
    multiply-adds; its Table 3 lists DenseNet-121's errors.)

    Multiply-adds are not time. A DenseNet layer is thin (32 new channels), and
    each concatenation copies its inputs, so a DenseNet moves more memory per
    multiply-add than a ResNet, and naive implementations store every
    concatenated tensor for the backward pass. DenseNet-121 is commonly reported
    to be no faster than ResNet-50 on GPUs despite the smaller count; measure,
    do not infer
    (the book's `benchmarks/` folder measures our DenseNet-121 against
    `keras.applications`').

    ## The same network as `keras.applications.DenseNet121`

    Equal parameter counts are not proof. `dl.transfer_weights` copies every
    weighted layer of `keras.applications.DenseNet121` into the layer of the same
    name in ours (and fails loudly if any name or shape differs); the two must
    then compute the same function.
    """),
    code("""
    reference = keras.applications.DenseNet121(weights=None)
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    print(f"{'':<28} {'total':>10} {'trainable':>10}")
    for label, model in [("dl.DenseNet121", ours), ("keras.applications", reference)]:
        print(f"{label:<28} {model.count_params():>10,} {trainable_count(model):>10,}")
    print(f"{'dl.channel_plan':<28} {plan.params:>10,} {plan.trainable_params:>10,}")
    copied = dl.transfer_weights(reference, ours)
    print("weighted layers copied:", copied)
    """),
    code("""
    def features_and_predictions(model):
        \"\"\"The final feature maps (after the last BN-ReLU) and the probabilities.\"\"\"
        probe = keras.Model(model.input, [model.get_layer("relu").output, model.output])
        return [keras.ops.convert_to_numpy(t) for t in probe(x, training=False)]

    feat_ours, pred_ours = features_and_predictions(ours)
    feat_ref, pred_ref = features_and_predictions(reference)
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
    The random weights make this a strong test: any difference in a layer's
    type, order, padding or epsilon would show in the outputs
    (`tests/unit/test_exactness.py` repeats it with randomized batch-norm
    statistics as well). With `weights="imagenet"`, `dl.DenseNet121` downloads
    `keras.applications`' ImageNet weights and copies them in exactly this way.

    ## From the seed's Keras 1 to Keras 3

    This book started from a Chinese explainer of DenseNet (the *seed*) whose
    code is a Keras 1 port of the Caffe conversions of the authors' ImageNet
    models.
    Its layer names (input `data`, `conv2_1_x1`, `concat_2_1`, `fc6`, `prob`)
    are Caffe-style names. These are the lines that matter, abridged:

    ```python
    def DenseNet121(nb_dense_block=4, growth_rate=32, nb_filter=64, reduction=0.0, dropout_rate=0.0, weight_decay=1e-4, classes=1000, weights_path=None):
        eps = 1.1e-5
        # compute compression factor
        compression = 1.0 - reduction
        if K.image_dim_ordering() == 'tf':
          concat_axis = 3
          img_input = Input(shape=(224, 224, 3), name='data')
        ...
        nb_filter = 64
        nb_layers = [6,12,24,16] # For DenseNet-121
        x = ZeroPadding2D((3, 3), name='conv1_zeropadding')(img_input)
        x = Convolution2D(nb_filter, 7, 7, subsample=(2, 2), name='conv1', bias=False)(x)
        x = BatchNormalization(epsilon=eps, axis=concat_axis, name='conv1_bn')(x)
        x = Scale(axis=concat_axis, name='conv1_scale')(x)
        x = Activation('relu', name='relu1')(x)
        ...
        x = Dense(classes, name='fc6')(x)
        x = Activation('softmax', name='prob')(x)

    def conv_block(x, stage, branch, nb_filter, dropout_rate=None, weight_decay=1e-4):
        inter_channel = nb_filter * 4
        ...
        x = ZeroPadding2D((1, 1), name=conv_name_base+'_x2_zeropadding')(x)
        x = Convolution2D(nb_filter, 3, 3, name=conv_name_base+'_x2', bias=False)(x)

    def transition_block(x, stage, nb_filter, compression=1.0, dropout_rate=None, weight_decay=1E-4):
        ...
        x = Convolution2D(int(nb_filter * compression), 1, 1, name=conv_name_base, bias=False)(x)
        x = AveragePooling2D((2, 2), strides=(2, 2), name=pool_name_base)(x)

    def dense_block(x, stage, nb_layers, nb_filter, growth_rate, dropout_rate=None, weight_decay=1e-4, grow_nb_filters=True):
        for i in range(nb_layers):
            x = conv_block(concat_feat, stage, branch, growth_rate, dropout_rate, weight_decay)
            concat_feat = merge([concat_feat, x], mode='concat', concat_axis=concat_axis, name='concat_'+str(stage)+'_'+str(branch))
    ```

    | | Keras 1 (the seed) | Keras 3 (`keras.applications`, `densenet_lib`) |
    | --- | --- | --- |
    | 1 | `Convolution2D(nb_filter, 7, 7, subsample=(2, 2), bias=False)` | `Conv2D(64, 7, strides=2, use_bias=False)` |
    | 2 | `merge([concat_feat, x], mode='concat', concat_axis=concat_axis)` | `Concatenate(axis=-1)([concat_feat, x])` |
    | 3 | `BatchNormalization(epsilon=eps, axis=concat_axis)` + `Scale(axis=concat_axis)` | `BatchNormalization(axis=-1, epsilon=1.001e-5)` |
    | 4 | `K.image_dim_ordering() == 'tf'`, `concat_axis = 3` | `keras.config.image_data_format() == "channels_last"`, `axis=-1` |
    | 5 | `ZeroPadding2D((3, 3))` + `Convolution2D(..., 7, 7, subsample=(2, 2))` | `ZeroPadding2D(3)` + `Conv2D(..., 7, strides=2)` |
    | 6 | `ZeroPadding2D((1, 1))` + `Convolution2D(nb_filter, 3, 3)` | `Conv2D(k, 3, padding="same")` |
    | 7 | `eps = 1.1e-5` | `epsilon=1.001e-5` |
    | 8 | `reduction=0.0`, `compression = 1.0 - reduction` | `compression=0.5` ($\theta$) |
    | 9 | `nb_filter`, `nb_layers`, `inter_channel` | `filters`; `blocks`, `growth_rate`, `init_channels`; `4 * growth_rate` |
    | 10 | `Dense(classes, name='fc6')` + `Activation('softmax', name='prob')` | `Dense(classes, activation="softmax", name="predictions")` |

    *Table: the seed's Keras 1 calls and their Keras 3 equivalents; the numbers refer to the notes below.*

    1. Keras 2 renamed the layer and its arguments: the kernel's rows and columns
       became one `kernel_size`, `subsample` became `strides`, `bias` became
       `use_bias`.
    2. The functional `merge` gave way to merge *layers* (`Concatenate`, `Add`,
       ...) in Keras 2.
    3. `Scale` holds Caffe's learned $\gamma$ and $\beta$; Keras' own batch
       normalization holds them (see below).
    4. `'tf'` ordering is channels-last (NHWC), `'th'` channels-first. Keras 3
       defaults to channels-last; `densenet_lib` builds channels-last models only
       and says so with a `ValueError`.
    5. Kept as it was: explicit symmetric padding and a valid convolution
       (`conv1_pad` in ours). `padding="same"` with stride 2 would pad 2 pixels
       before and 3 after, shifting the grid the weights were trained on by one
       pixel.
    6. Identical at stride 1: one pixel on every side.
    7. Two ways of staying just above $10^{-5}$ (see below).
    8. The seed's `reduction` is $1 - \theta$, while `keras.applications`'
       `transition_block(x, reduction, name)` calls $\theta$ itself `reduction`.
       At 0.5 the two agree; the seed's default 0.0 means *no* compression
       (Exercise 2).
    9. Keras 2 dropped the `nb_` prefixes. In the seed, `nb_filter` means three
       things: the stem's filters (the argument is ignored: the body sets it to
       64), the running channel count, and, inside `conv_block`, the growth rate.
       The seed also accepts a `weight_decay` that the code shown never uses.
    10. The same function, with Caffe's layer names.

    **The `Scale` layer.** In Caffe, a `BatchNorm` layer only normalizes,
    $\hat x = (x - \mu)/\sqrt{\sigma^2 + \varepsilon}$, with the moving mean and
    variance; it has no learned scale or shift. Caffe networks therefore follow
    every `BatchNorm` with a `Scale` layer that learns $\gamma$ and $\beta$ per
    channel. A weight-for-weight port keeps the pair: `Scale` is a custom layer of
    the port (not part of Keras; the seed does not run without it) that receives
    Caffe's $\gamma, \beta$, and Keras 1's `BatchNormalization`, which does have a
    $\gamma$ and $\beta$ of its own, must leave them at the identity
    ($\gamma = 1$, $\beta = 0$) for the port to compute what Caffe computes. In
    general the pair is one batch normalization:

    $$\gamma_S\big(\gamma_B\,\hat x + \beta_B\big) + \beta_S
    = \underbrace{\gamma_S\gamma_B}_{\gamma}\,\hat x + \underbrace{\gamma_S\beta_B + \beta_S}_{\beta}.$$

    Keras 3's `BatchNormalization` (with its defaults `center=True`,
    `scale=True`) is that single layer. A from-scratch `Scale` and the check:
    """),
    code("""
    class Scale(layers.Layer):
        \"\"\"The port's custom layer: y = gamma * x + beta, per channel.\"\"\"

        def build(self, input_shape):
            channels = input_shape[-1:]
            self.gamma = self.add_weight(shape=channels, initializer="ones", name="gamma")
            self.beta = self.add_weight(shape=channels, initializer="zeros", name="beta")

        def call(self, x):
            return self.gamma * x + self.beta
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    rng = np.random.default_rng(3)
    c = 8
    inputs = keras.Input(shape=(4, 4, c))
    bn, scale = layers.BatchNormalization(epsilon=1.1e-5), Scale()
    seed_style = keras.Model(inputs, scale(bn(inputs)))
    for w in seed_style.weights:  # random gamma, beta, moving mean and variance
        w.assign(rng.uniform(0.5, 1.5, size=w.shape).astype("float32"))
    g_b, b_b, mean, var = (keras.ops.convert_to_numpy(w) for w in bn.weights)
    g_s, b_s = (keras.ops.convert_to_numpy(w) for w in scale.weights)

    folded_bn = layers.BatchNormalization(epsilon=1.1e-5)
    folded = keras.Model(inputs, folded_bn(inputs))
    folded_bn.set_weights([g_s * g_b, g_s * b_b + b_s, mean, var])
    x_small = rng.normal(size=(2, 4, 4, c)).astype("float32")
    outputs = [keras.ops.convert_to_numpy(m(x_small, training=False))
               for m in (seed_style, folded)]
    print("BN + Scale == one BN with gamma = g_S g_B, beta = g_S b_B + b_S:",
          bool(np.allclose(*outputs, atol=1e-6)))
    print("weights: BN + Scale", seed_style.count_params(),
          "| folded", folded.count_params())
    """),
    md(r"""
    **Epsilon.** Torch's and Caffe's default is $\varepsilon = 10^{-5}$. The seed
    uses $1.1\times10^{-5}$ and `keras.applications` $1.001\times10^{-5}$, both a
    hair above it; the likely reason is cuDNN, whose batch-normalization kernels
    then refused any $\varepsilon$ below `CUDNN_BN_MIN_EPSILON` ($10^{-5}$), so a
    value safely above it survives rounding. The difference only matters for
    channels whose variance is near zero. The from-scratch model of this chapter
    defaults to the seed's value; set it back on its layers and compare:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    def set_epsilon(model, eps):
        for layer in model.layers:
            if isinstance(layer, layers.BatchNormalization):
                layer.epsilon = eps

    scratch.set_weights(ours.get_weights())  # ours now holds keras.applications' weights
    set_epsilon(scratch, 1.1e-5)
    seed_diff = np.max(np.abs(predict(scratch) - predict(ours)))
    set_epsilon(scratch, 1.001e-5)
    same_diff = np.max(np.abs(predict(scratch) - predict(ours)))
    print("seed's epsilon: outputs differ:", bool(seed_diff > 0),
          "| by less than 1e-4:", bool(seed_diff < 1e-4))
    print("keras.applications' epsilon: identical again:", bool(same_diff < 1e-6))
    """),
    md(r"""
    **A small glossary.** The Chinese terms marked * are the seed's own; the others
    are the usual translations.

    | English | 中文 | in this book |
    | --- | --- | --- |
    | growth rate | 增长率* | $k$, `growth_rate` |
    | Dense Block | Dense Block* (稠密块 in the Chinese d2l) | `dl.dense_block` |
    | transition layer | 转换层* (过渡层 in the Chinese d2l) | `dl.transition_block` |
    | bottleneck layer | 瓶颈层 | `bottleneck=True` (DenseNet-B) |
    | compression | 压缩 | $\theta$, `compression` (DenseNet-C) |
    | concatenation (along the channels) | 拼接* (按照通道拼接*) | `Concatenate(axis=-1)` |
    | feature map | 特征图 | a $(h, w, c)$ tensor |
    | channel | 通道* | the last axis |
    | batch normalization | 批归一化 (the seed writes Batch Normalization*) | `BatchNormalization` |
    | shortcut connection | 快捷连接* (also 快速连接*) | chapter 1's $x + H(x)$ |
    | convolution, pooling | 卷积*, 池化* | `Conv2D`, `AveragePooling2D` |
    | number of parameters, amount of computation | 参数数量*, 运算量* | `count_params()`, multiply-adds |
    | slimming (what the transition's $1\times1$ convolution does) | 瘦身* | compression |

    *Table: the seed's Chinese terms, their English names, and where they live in `densenet_lib`.*

    ## Exercises

    **Exercise 1.** Show that every four-block DenseNet-BC has an odd depth
    $L$, so no "DenseNet-264" can exist with these layers. What depths do the
    neighbours of Table 1's $(6, 12, 64, 48)$ have, one layer more or fewer in
    the last two blocks?
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    # L = 1 + 2*sum(n) + (4 - 1) + 1 = 2*sum(n) + 5: an even number plus 5, always odd.
    for blocks in [(6, 12, 64, 48), (6, 12, 64, 47), (6, 12, 63, 48), (6, 12, 64, 49)]:
        config = dl.DenseNetConfig(blocks=blocks, growth_rate=32, init_channels=64)
        L = config.num_layers
        print(f"blocks {blocks}: L = {L}, odd: {L % 2 == 1}")
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 2.** The seed's `DenseNet121` defaults to `reduction=0.0`.
    What network do its defaults build? Compare its parameters and multiply-adds
    with the paper's DenseNet-121 (use `dl.channel_plan`, no model needed).
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    # compression = 1 - reduction = 1.0: transitions keep every channel,
    # so the defaults build a DenseNet-B, not the paper's DenseNet-BC.
    for reduction in (0.0, 0.5):
        p = dl.channel_plan(blocks=(6, 12, 24, 16), growth_rate=32, init_channels=64,
                            compression=1.0 - reduction)
        print(f"reduction = {reduction}: theta = {1.0 - reduction}, params {p.params:,}, "
              f"mult-adds {p.macs:,}, final channels {p.output_channels}")
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 3.** Which of DenseNet-169, -201 and -264 is closest to
    ResNet-50 in multiply-adds, and how many parameters does it have relative
    to ResNet-50?
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    for d in (169, 201, 264):
        p = plans[d]
        print(f"DenseNet-{d}: {p.params / resnet.count_params():.2f}x ResNet-50's params, "
              f"{p.macs / macs['ResNet-50']:.2f}x its multiply-adds")
    closest = min((169, 201, 264), key=lambda d: abs(plans[d].macs - macs["ResNet-50"]))
    print("closest in multiply-adds:", f"DenseNet-{closest}")
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 4.** Without the classifier, DenseNet-121 accepts other input
    sizes. What is the smallest height and width it accepts, and what are the
    final feature maps for $299\times299$ and $160\times160$ inputs?
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    # The stem divides by 4 (rounding up), each transition by 2 (rounding down).
    print("smallest input:", dl.min_input_size("imagenet", 4))  # keras.applications insists on 32
    for size in (299, 160, dl.min_input_size("imagenet", 4)):
        config = dl.imagenet_config(121, include_top=False, input_shape=(size, size, 3))
        last = [r for r in dl.channel_plan(config).rows if r.kind == "dense_layer"][-1]
        print(f"{size}x{size} -> final feature maps "
              f"{last.height}x{last.width}x{last.channels_out}")
    """, tags=("hide-cell",)),
    md(r"""
    ## Summary

    - Table 1 follows from four block lengths, $k = 32$ and $\theta = 0.5$:
      `dl.channel_plan` regenerates it with the channel counts the paper leaves
      out; the depth is $L = 2\sum_b n_b + 5$, which makes "DenseNet-264" a
      265-layer network.
    - DenseNet-121 is three small functions and a loop in `keras.layers`; the
      from-scratch model, `dl.DenseNet121()` and `keras.applications.DenseNet121`
      compute the same function once their weights are copied across.
    - Stage by stage, DenseNet-121's parameters sit in its deep blocks and its
      multiply-adds at the $56\times56$ end; beside ResNet-50 it has a fraction of
      the parameters and fewer multiply-adds, which is not the same as being faster.
    - The seed's Keras 1 code maps line by line to Keras 3: `Conv2D`,
      `Concatenate`, a `BatchNormalization` that absorbs Caffe's `Scale`,
      channels-last, explicit zero padding, $\varepsilon$ just above $10^{-5}$, and
      `compression` $= 1 -$ `reduction`.
    """),
]
