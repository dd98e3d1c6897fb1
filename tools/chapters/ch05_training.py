"""Chapter 5: training DenseNet-BC (written to chapters/05_training.ipynb by tools/make_chapters.py)."""

from .common import COLAB_CELL, code, md

SETUP = """\
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import sys
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
import matplotlib.pyplot as plt
import densenet_lib as dl
from densenet_lib import reporting
from densenet_lib.training import PAPER_RECIPE, SHORT_GPU_RECIPE, Recipe

profile = dl.current_profile()
# quick: scikit-learn's digits (offline); full: CIFAR-10 (falls back to the digits,
# with a message, if it cannot be downloaded).
load = profile.pick(quick=dl.data.load_digits32, full=lambda: dl.data.load_cifar("cifar10"))
data = load().normalized()
_ = profile.announce(data=f"{data.description}; "
                          f"{len(data.x_train):,} training / {len(data.x_test):,} test images")
"""

CELLS = [
    md(r"""
    # Chapter 5 — Training DenseNet-BC

    The previous chapters built DenseNet-BC ($L = 100$, $k = 12$) and checked
    every channel and parameter against the paper. Now we train it. Huang et al.
    report a test error of 4.51 % on CIFAR-10 with augmentation (C10+) for this
    network, after 300 epochs of a plain but precise recipe (Sec. 4.2). This
    chapter implements that recipe detail by detail, runs it so that a
    disconnected Colab session loses at most one epoch, and trains a ResNet of
    the same size beside it on the same data and budget.

    **After this chapter you can**

    - state the paper's CIFAR recipe and say where each part lives in
      `dl.training`: Nesterov SGD, the step schedule, weight decay, He
      initialization and the dropout rule;
    - tell Keras's *decoupled* `weight_decay` from the *coupled* L2 penalty of
      the paper's code, and compute how far apart they are under momentum;
    - run a training that resumes after an interruption, keeps its finished
      result (on Google Drive on Colab), and uses several GPUs when there are;
    - compare DenseNet-BC with a ResNet of equal parameter count, and read your
      test error beside the paper's Table 2 for what it is.
    """),
    code(COLAB_CELL),
    code(SETUP),
    md(r"""
    The setup cell says which *profile* runs. On a GPU (the **full** profile) this
    chapter trains on CIFAR-10 for real, 782 optimizer steps per epoch: expect
    tens of minutes per network on a Colab GPU with the shortened schedule below
    (an estimate; each training cell prints how long your run took), and
    7.5 times as long with the paper's 300 epochs. On a CPU (the **quick** profile, also what the book's tests run)
    the same code trains smaller networks for a few epochs on scikit-learn's
    handwritten digits, which ship with scikit-learn and need no download. That
    run is real training, with real test accuracy, but on digits: its numbers say
    nothing about CIFAR-10 and are not comparable with the paper's.

    ## The paper's recipe

    Section 4.2 of the paper, in full: all networks are trained with stochastic
    gradient descent (SGD), batch size 64, for 300 epochs on CIFAR; the learning
    rate is 0.1 and is divided by 10 at 50 % and 75 % of the epochs; weight decay
    $10^{-4}$ and Nesterov momentum 0.9 without dampening; the weights are
    initialized as He et al. (2015) propose; without data augmentation a dropout
    layer with rate 0.2 follows each convolution except the first. The
    augmentation ("C10+") is the standard one: pad by 4 pixels, crop 32x32 at
    random, flip horizontally at random. Images are normalized with the
    per-channel mean and standard deviation of the training set.

    `dl.training.Recipe` holds these numbers; its defaults are the paper's
    (`PAPER_RECIPE`). `SHORT_GPU_RECIPE` is the same schedule compressed into 40
    epochs, to fit a Colab session:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    def describe(recipe):
        drops = recipe.drop_epochs
        return (f"{recipe.epochs} epochs, batch {recipe.batch_size}, "
                f"SGD lr {recipe.learning_rate} "
                f"(/10 after epochs {drops[0]} and {drops[1]}), momentum {recipe.momentum} "
                f"(Nesterov: {recipe.nesterov}), weight decay {recipe.weight_decay}, "
                f"augmentation: {recipe.augment}, dropout: {recipe.dropout_rate}")

    print("PAPER_RECIPE:    ", describe(PAPER_RECIPE))
    print("SHORT_GPU_RECIPE:", describe(SHORT_GPU_RECIPE))
    """),
    md(r"""
    This chapter's run uses `SHORT_GPU_RECIPE` in the full profile, or the paper's
    300 epochs if you set the environment variable `DENSENET_RECIPE=paper` before
    running it. The quick profile uses the same schedule over 8 epochs, with two
    changes for the digits that the next sections explain: no augmentation
    (a mirrored digit is another symbol, or none) and no dropout.
    """),
    code("""
    full_recipe = {"short": SHORT_GPU_RECIPE, "paper": PAPER_RECIPE}[
        os.environ.get("DENSENET_RECIPE", "short")]
    # quick: no augmentation and no dropout (see "Dropout" below); full: the paper's rules.
    recipe = profile.pick(quick=Recipe(epochs=8, batch_size=64, augment=False, dropout=0.0), full=full_recipe)
    print(f"This run ({profile.name} profile):", describe(recipe))
    """),
    md(r"""
    ## The learning-rate schedule

    The schedule is piecewise constant: $\eta = 0.1$ for the first half of the
    epochs, $0.01$ until three quarters, then $0.001$. Keras implements it with
    `keras.optimizers.schedules.PiecewiseConstantDecay`, counted in optimizer
    steps; `Recipe.learning_rate_schedule(steps_per_epoch)` converts the epochs
    into steps. `reporting.learning_rates` reads the rate of every epoch back
    from that schedule:
    """),
    code("""
    fig, ax = plt.subplots(figsize=(7, 3))
    for name, r in [("PAPER_RECIPE", PAPER_RECIPE), ("SHORT_GPU_RECIPE", SHORT_GPU_RECIPE),
                    (f"this run ({profile.name})", recipe)]:
        ax.step(np.arange(1, r.epochs + 1), reporting.learning_rates(r), where="mid",
                label=f"{name}: {r.epochs} epochs")
    ax.set(xscale="log", yscale="log", xlabel="epoch (log scale)", ylabel="learning rate",
           title="Step schedule: lr / 10 at 50 % and 75 % of the epochs")
    ax.legend(fontsize=8)
    plt.show()
    """),
    md(r"""
    *Figure 5.1. The learning rate of every epoch in the paper's 300-epoch
    schedule, in its 40-epoch version for a Colab GPU, and in this run's
    schedule, read from `Recipe.learning_rate_schedule`. The epoch axis is
    logarithmic so that all three fit; each schedule spends half of its epochs
    at 0.1.*

    ## Weight decay: coupled or decoupled

    "Weight decay $10^{-4}$" can mean two different updates, and Keras's
    optimizers implement the other one. The paper's Torch code passes
    `weightDecay = 1e-4` to `optim.sgd`, which adds $\lambda w$ to the gradient
    *before* the momentum step. With $\lambda = 10^{-4}$, momentum $\mu = 0.9$,
    learning rate $\eta$ and loss $\mathcal{L}$, Nesterov SGD with this
    **coupled** decay is

    $$
    \begin{aligned}
    g_t &= \nabla\mathcal{L}(w_t) + \lambda w_t, \\
    v_{t+1} &= \mu\, v_t + g_t, \\
    w_{t+1} &= w_t - \eta\,\big(g_t + \mu\, v_{t+1}\big),
    \end{aligned}
    $$

    which is plain SGD on the loss $\mathcal{L}(w) + \tfrac{\lambda}{2}\lVert w\rVert^2$:
    an L2 penalty. Keras's `SGD(weight_decay=...)` is **decoupled** (Loshchilov &
    Hutter's "AdamW" form): the momentum sees only $\nabla\mathcal{L}$, and the
    weights shrink separately,

    $$
    w_{t+1} = (1 - \eta\lambda)\, w_t - \eta\,\big(\nabla\mathcal{L}(w_t) + \mu\, v_{t+1}\big),
    \qquad v_{t+1} = \mu\, v_t + \nabla\mathcal{L}(w_t).
    $$

    The two differ by the momentum: in the coupled form the $\lambda w$ term
    enters $v$ and accumulates. If $w$ changes slowly, $v$ settles at
    $\lambda w / (1 - \mu)$, and each step removes
    $\eta\lambda w/(1 - \mu) = 10\,\eta\lambda w$ for $\mu = 0.9$: ten times the
    decoupled decay with the same $\lambda$. Let's check it with Keras's own
    optimizer on a single weight $w = 1$ that feels nothing but the decay, for
    one CIFAR epoch of steps at $\eta = 0.1$:
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    def decay_only(coupled, steps=782, lr=0.1, wd=1e-4):
        \"\"\"w after `steps` Nesterov-SGD steps in which the only force is weight decay.\"\"\"
        w = keras.Variable(np.ones(1, "float32"))
        optimizer = keras.optimizers.SGD(lr, momentum=0.9, nesterov=True,
                                         weight_decay=None if coupled else wd)
        for _ in range(steps):
            # coupled: the gradient of the penalty wd/2 * w^2; decoupled: Keras shrinks w itself
            gradient = wd * w.value if coupled else keras.ops.zeros((1,))
            optimizer.apply([gradient], [w])
        return float(keras.ops.convert_to_numpy(w)[0])

    coupled, decoupled = decay_only(coupled=True), decay_only(coupled=False)
    print(f"after 782 steps: coupled L2 w = {coupled:.3f}, Keras weight_decay w = {decoupled:.4f}")
    print(f"coupled decays {np.log(coupled) / np.log(decoupled):.1f}x as fast "
          "(1 / (1 - momentum) = 10)")
    """),
    md(r"""
    (A little under 10, because $v$ starts at zero.) Training with
    `weight_decay=1e-4` in Keras would therefore regularize about ten times less
    than the paper did. `dl.training.apply_weight_decay` reproduces the paper
    instead: it gives *every* trainable variable an L2 regularizer of
    $\lambda/2$, as Torch's `weightDecay` touches every parameter, biases and
    batch normalization's $\gamma$ and $\beta$ included (Keras layers'
    `kernel_regularizer` would cover the kernels only):
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    probe = dl.training.apply_weight_decay(dl.DenseNetCIFAR(depth=22, growth_rate=12), 1e-4)
    kinds = sorted({v.path.rsplit("/", 1)[-1] for v in probe.trainable_variables})
    print("variables with an L2 penalty:", len(probe.losses),
          "of", len(probe.trainable_variables), "trainable")
    print("kinds of variables:", kinds)
    """),
    md(r"""
    ## Initialization, dropout and batch normalization

    **He initialization.** The paper's code draws each convolution kernel from
    $\mathcal{N}(0, 2/n)$ with $n = k \cdot k \cdot c_{\text{out}}$ (He et al.'s
    "fan-out" variant); `dl.training.he_initialize` re-draws every kernel that way
    before training (Keras's `he_normal` would use the fan-in and a truncated
    normal).

    **Dropout.** With augmentation there is no dropout; without it, dropout 0.2
    after each convolution but the first (`Recipe.dropout_rate`). Dropout is
    regularization for 300 epochs on 50,000 images. In the quick profile's 8
    epochs, the small DenseNet-BC never gets near overfitting the digits, and
    dropout only slows it down: in our runs with dropout it stayed far below
    90 % test accuracy within this budget. So the quick profile's recipe sets
    `dropout=0.0`, and says so; the full profile follows the paper's rule.

    **Batch normalization.** Keras's `BatchNormalization` keeps its running
    averages with momentum 0.99, Torch's (the paper's code) with 0.9 (Torch calls
    it 0.1: the weight of the new batch). Over 782 steps per CIFAR epoch both
    have converged long before the first evaluation. Over the 23 steps of a
    digits epoch, 0.99 has not: the network trains well but is evaluated with
    statistics that still remember its first steps, and its test accuracy lags
    far behind its training accuracy (Exercise 4). `dl.training.fit` uses Torch's
    value, like the paper, in both profiles (`Recipe.bn_momentum`, 0.9).
    """),
    md(r"""
    ## DenseNet-BC and a ResNet of the same size

    The full profile trains the paper's DenseNet-BC ($L = 100$, $k = 12$); the
    quick one the same design at depth 22 (three blocks of three bottleneck
    layers). Its opponent is the pre-activation CIFAR ResNet of chapter 1,
    `dl.ResNetCIFAR`, of depth $6n + 2$: we take the depth whose parameter count
    is closest to the DenseNet's. Both are built by functions of `dropout_rate`,
    which is what `dl.training.fit` expects (the ResNet of He et al. has no
    dropout, so it ignores the argument):
    """),
    code("""
    depth = profile.pick(quick=22, full=100)

    def build_densenet(dropout_rate):  # fit passes recipe.dropout_rate
        return dl.DenseNetCIFAR(depth=depth, growth_rate=12, classes=data.classes, dropout_rate=dropout_rate)

    densenet_params = build_densenet(0.0).count_params()
    # Parameters grow with the ResNet's depth: walk up 8, 14, 20, ... until they pass the DenseNet's.
    resnet_params = {}
    for resnet_depth in range(8, 1000, 6):
        resnet = dl.ResNetCIFAR(depth=resnet_depth, classes=data.classes)
        resnet_params[resnet_depth] = resnet.count_params()
        if resnet_params[resnet_depth] >= densenet_params:
            break
    resnet_depth = min(resnet_params, key=lambda d: abs(resnet_params[d] - densenet_params))

    def build_resnet(dropout_rate):  # He et al.'s ResNet has no dropout
        return dl.ResNetCIFAR(depth=resnet_depth, classes=data.classes)

    print(f"DenseNet-BC (L={depth}, k=12): {densenet_params:,} parameters")
    print(f"ResNet-{resnet_depth}:{'':>14}{resnet_params[resnet_depth]:,} parameters "
          f"(depths tried: {list(resnet_params)})")
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    print("parameter counts within 10 % of each other:",
          abs(resnet_params[resnet_depth] / densenet_params - 1) < 0.10)
    """),
    md(r"""
    ## Where the run keeps itself

    `dl.training.fit` backs the model, the optimizer and the epoch up at the end
    of every epoch (`keras.callbacks.BackupAndRestore`) and resumes from the
    backup when it is called again; the batches are shuffled from the seed and
    the epoch alone, so a resumed run replays exactly the epochs it lost.
    `reporting.train_or_load` adds the other half: once a run has finished, it
    stores the model and its history, and a later call loads them instead of
    training again.

    Both only help if the folder outlives the session. On Colab the machine's
    disk is wiped when the runtime is recycled, so in the full profile the next
    cell mounts your Google Drive (Colab asks for permission once) and keeps the
    runs there. Elsewhere the full profile uses a folder `densenet_runs` beside
    the notebook, and the quick profile a fresh temporary folder, so that it
    always trains for real. Set `DENSENET_BACKUP_DIR` to choose the folder
    yourself.
    """),
    code("""
    if "google.colab" in sys.modules and profile.is_full:
        from google.colab import drive
        drive.mount("/content/drive")
        default_folder = "/content/drive/MyDrive/densenet_runs"
    else:
        default_folder = profile.pick(quick=tempfile.mkdtemp(prefix="densenet_runs_"),
                                      full="densenet_runs")
    runs_folder = Path(os.environ.get("DENSENET_BACKUP_DIR", default_folder))
    print("Runs are kept in:", runs_folder.resolve())
    """),
    md(r"""
    **If Colab disconnects**, reconnect, run the notebook from the top again
    (`Runtime > Run all`): the training cell below starts from the last finished
    epoch, and a network that had finished is loaded instead of trained. Here is
    a disconnection staged on a tiny DenseNet: a callback stops the run after
    its second epoch, exactly as a lost runtime would, and calling `fit` again
    with the same backup folder trains only the two epochs that are left.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    class Disconnect(keras.callbacks.Callback):
        \"\"\"Stands in for a lost Colab runtime: stops the run after epoch `after`.\"\"\"
        def __init__(self, after):
            super().__init__()
            self.after = after

        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 == self.after:
                raise RuntimeError("runtime disconnected")

    class Epochs(keras.callbacks.Callback):
        \"\"\"Records which epochs (0-based) start.\"\"\"
        def __init__(self):
            super().__init__()
            self.started = []

        def on_epoch_begin(self, epoch, logs=None):
            self.started.append(epoch)

    def build_tiny(dropout_rate):
        return dl.DenseNet(blocks=(2, 2), growth_rate=4, stem="cifar", classes=data.classes,
                           input_shape=(32, 32, 3), dropout_rate=dropout_rate, name="tiny")

    tiny_data = data.subset(train=256, test=64)
    tiny_recipe = Recipe(epochs=4, batch_size=64, augment=False)
    backup = Path(tempfile.mkdtemp(prefix="densenet_backup_"))
    before, after = Epochs(), Epochs()
    try:
        dl.training.fit(build_tiny, tiny_data, tiny_recipe, backup_dir=backup, accelerate=False,
                        verbose=0, callbacks=[before, Disconnect(after=2)])
    except RuntimeError as error:
        print(f"first call: epochs {before.started} ran, then: {error}")
    print("backup on disk:", (backup / "latest.weights.h5").exists())
    dl.training.fit(build_tiny, tiny_data, tiny_recipe, backup_dir=backup, accelerate=False,
                    verbose=0, callbacks=[after])
    print(f"second call: epochs {after.started} ran; backup removed at the end: {not backup.exists()}")
    """),
    md(r"""
    The unit tests go further: they kill a training process with `SIGKILL` in
    the middle of an epoch, restart it, and check that the final weights equal
    those of an uninterrupted run (`tests/unit/test_training.py`).

    ## More than one GPU

    `fit(..., distribution=...)` builds and trains the model inside a
    distribution engine. With the JAX backend that is Keras's own
    `keras.distribution.DataParallel`; with TensorFlow,
    `tf.distribute.MirroredStrategy`. Both copy the model to every GPU and split
    each batch between them; the batch size stays the paper's 64 in total. (The
    PyTorch backend has no such engine in Keras; there, training uses one GPU.)
    The cell creates an engine only when there is more than one GPU:
    """),
    code("""
    gpus = dl.profiles.gpu_count()
    distribution = None
    if gpus > 1 and keras.backend.backend() == "jax":
        devices = keras.distribution.list_devices("gpu")
        distribution = keras.distribution.DataParallel(devices=devices)
    elif gpus > 1 and keras.backend.backend() == "tensorflow":
        import tensorflow as tf
        distribution = tf.distribute.MirroredStrategy()
    print(f"backend: {keras.backend.backend()}, GPUs: {gpus}, distribution:",
          type(distribution).__name__ if distribution is not None else "none (one device)")
    print("mixed precision and XLA (fit's accelerate):", "on" if gpus else "off (no GPU)")
    """),
    md(r"""
    On a GPU, `fit` also switches on mixed precision (float16 arithmetic with
    float32 weights and loss scaling) and XLA compilation, which together make
    DenseNet's many small layers several times faster; on a CPU both would slow
    it down, so they stay off.

    ## Training DenseNet-BC

    Keras's progress bar shows the training loss and accuracy as the epoch runs,
    and the test loss and accuracy (`val_...`) at its end: `fit` evaluates the
    test set after every epoch, as the paper's curves do. The quick profile
    prints one line per epoch instead (`verbose=2`), which keeps the stored
    notebook short.
    """),
    code("""
    verbose = profile.pick(quick=2, full=1)

    def train(build_model):
        \"\"\"Train, resume or load one network (`data`, `recipe`); returns a reporting.Run.\"\"\"
        name = build_model(0.0).name
        folder = runs_folder / f"{name}_{data.name}_{recipe.epochs}epochs"
        start = time.perf_counter()
        run = reporting.train_or_load(build_model, data, recipe, folder, seed=0,
                                      distribution=distribution, verbose=verbose)
        minutes = (time.perf_counter() - start) / 60
        print(f"{run.name}: {run.epochs} epochs, test accuracy {run.test_accuracy:.4f} "
              f"({minutes:.1f} min)")
        return run

    densenet_run = train(build_densenet)
    """),
    md(r"""
    ## Training the ResNet

    Same data, same recipe, same seed, same batches:
    """),
    code("""
    resnet_run = train(build_resnet)
    """),
    md(r"""
    ## Learning curves
    """),
    code("""
    runs = [densenet_run, resnet_run]
    fig = reporting.plot_learning_curves(runs)
    plt.show()
    """),
    md(r"""
    *Figure 5.2. Training loss (left, logarithmic; it includes the weight-decay
    penalty) and test error after every epoch (right, logarithmic above 1 %)
    of DenseNet-BC and the
    ResNet of similar size, trained with the same recipe on the same data;
    dashed: the learning-rate drops. The paper's Figure 4 (right) draws the same
    two curves for DenseNet-BC ($L = 100$) and a 1001-layer ResNet on CIFAR-10.*

    Both curves fall in steps: each division of the learning rate lets SGD settle
    deeper into the minimum it has been circling, and the test error drops with
    it. This is why the schedule, not the number of epochs alone, sets how far a
    short run gets.

    ## The result, beside the paper

    The table gives each network's parameters and final test error, and in its
    last column the paper's Table 2 error (after 300 epochs) of the same network
    on the same data set: C10 without augmentation, C10+ with it. Only the full
    profile's DenseNet-BC ($L = 100$) on CIFAR-10 has one:
    """),
    code("""
    print(reporting.results_table(runs))
    best = min(runs, key=lambda run: run.test_error)
    print(f"\\nLower test error in this run: {best.name}")
    """),
    md(r"""
    How to read it:

    - **Quick profile.** The data are scikit-learn's 1,797 digits, not CIFAR-10,
      and the networks are small: the errors above measure *this* run on digits
      and cannot be compared with the paper's 4.51 %. What the quick profile shows
      is that the recipe, the models and the training loop work end to end, on
      real data.
    - **Full profile, `SHORT_GPU_RECIPE`.** 40 epochs instead of 300. The
      library's documentation expects roughly 93–94 % test accuracy (6–7 % error)
      for DenseNet-BC ($L = 100$, $k = 12$) on CIFAR-10: an estimate, not yet
      confirmed by a recorded full run, so trust the number your run prints over
      it. The gap to 4.51 % is the price of the shorter schedule.
    - **Full profile, `DENSENET_RECIPE=paper`.** The paper's 300 epochs: the run
      whose error is comparable with 4.51 %. One run has a spread of a few tenths
      of a percent from the seed alone; the paper reports a single number too.
    - **DenseNet-BC against the ResNet.** The paper's claim is about CIFAR after
      full training: per parameter, DenseNet-BC is the more accurate network
      (its Figure 4 sets DenseNet-BC with 0.8M parameters level with a
      1001-layer ResNet of more than 10M). Which of the two wins a short run on
      the digits, printed under the table, is no evidence either way: a few
      epochs on an easy data set mostly measure how fast each network starts.

    The check below is the chapter's promise for the quick profile: trained on
    the digits for 8 epochs, DenseNet-BC reaches at least 90 % test accuracy. (In
    the full profile it checks the same threshold on CIFAR-10.)
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    print("DenseNet-BC test accuracy >= 0.90:", densenet_run.test_accuracy >= 0.90)
    """),
    code("""
    # For the book's GPU runner (tools/run_book.py), which reports them; a no-op elsewhere.
    dl.record_metrics(test_accuracy=densenet_run.test_accuracy, test_error=densenet_run.test_error,
                      epochs=densenet_run.epochs, model=densenet_run.name, data=data.name,
                      resnet=resnet_run.name, resnet_test_accuracy=resnet_run.test_accuracy)
    """),
    md(r"""
    ## Exercises

    **Exercise 1.** What is the learning rate at epoch 200 of `PAPER_RECIPE`, and
    at epoch 25 of `SHORT_GPU_RECIPE`? Read them off
    `Recipe.learning_rate_schedule`, which counts optimizer steps, not epochs.
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    steps = 782  # CIFAR-10 at batch 64 (Exercise 2)
    for r, epoch in [(PAPER_RECIPE, 200), (SHORT_GPU_RECIPE, 25)]:
        schedule = r.learning_rate_schedule(steps_per_epoch=steps)
        step = (epoch - 1) * steps + steps // 2  # the middle of that epoch (counted from 1)
        lr = float(keras.ops.convert_to_numpy(schedule(step)))
        print(f"{r.epochs}-epoch recipe, epoch {epoch}: lr = {lr:g}")
    # Both lie between the drops at 50 % and 75 % of the epochs: 0.1 / 10.
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 2.** How many optimizer steps does one CIFAR-10 epoch take at
    batch size 64, and how many does the paper's whole run take? At which steps
    does the learning rate drop?
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    per_epoch = reporting.steps_per_epoch(50_000, PAPER_RECIPE.batch_size)  # last batch: 16 images
    print(f"{per_epoch} steps per epoch, {per_epoch * PAPER_RECIPE.epochs:,} in 300 epochs")
    drop_epochs = PAPER_RECIPE.drop_epochs
    print("drops after epochs", drop_epochs, "= after steps", [e * per_epoch for e in drop_epochs])
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 3.** Under coupled decay with momentum $\mu$, show that the
    decay's share of the step tends to $\eta\lambda w/(1-\mu)$ when $w$ changes
    slowly, and compute how many steps the momentum needs to reach 99 % of that
    for $\mu = 0.9$ (Nesterov). What decoupled `weight_decay` would remove the
    same amount per step?
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    # With w fixed, v_{t+1} = mu v_t + lambda w and v_0 = 0, so v_t = lambda w (1 - mu^t) / (1 - mu);
    # the Nesterov step removes eta (lambda w + mu v_{t+1}) -> eta lambda w / (1 - mu).
    mu, wd = 0.9, 1e-4

    def share(t):
        \"\"\"The step's decay at step t (from 0) as a fraction of its limit: 1 - mu^(t + 2).\"\"\"
        return (1 + mu * (1 - mu ** (t + 1)) / (1 - mu)) * (1 - mu)

    t99 = next(t for t in range(1000) if share(t) >= 0.99)
    print(f"limit: {1 / (1 - mu):.0f} x eta*lambda*w; 99 % of it after {t99} steps")
    print(f"the same decay, decoupled: weight_decay = {wd / (1 - mu):g}")
    """, tags=("hide-cell",)),
    md(r"""
    **Exercise 4.** A running average with momentum $m$ keeps a fraction $m^t$ of
    its starting value after $t$ steps. After how many steps is that below 1 %
    for Keras's default $m = 0.99$ and for Torch's $0.9$? How many epochs is that
    on the digits (23 steps per epoch at batch 64) and on CIFAR-10?
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    digits_steps = reporting.steps_per_epoch(len(dl.data.load_digits32().x_train), 64)
    cifar_steps = reporting.steps_per_epoch(50_000, 64)
    for m in (0.99, 0.9):
        t = int(np.ceil(np.log(0.01) / np.log(m)))
        print(f"momentum {m}: {t} steps = {t / digits_steps:.1f} digits epochs "
              f"= {t / cifar_steps:.2f} CIFAR epochs")
    """, tags=("hide-cell",)),
    md(r"""
    ## Summary

    - The paper's CIFAR recipe: Nesterov SGD (momentum 0.9), batch 64, 300
      epochs, learning rate 0.1 divided by 10 at 50 % and 75 % of the epochs,
      weight decay $10^{-4}$, He initialization (fan-out), dropout 0.2 only
      without augmentation. `dl.training.PAPER_RECIPE` holds it and
      `SHORT_GPU_RECIPE` compresses it into 40 epochs.
    - The paper's weight decay is *coupled*, an L2 penalty
      $\tfrac{\lambda}{2}\lVert w\rVert^2$ on every variable, whose effect
      momentum multiplies by $1/(1-\mu) = 10$; Keras's `weight_decay=` is
      decoupled and would decay ten times less. `apply_weight_decay` does what
      the paper did.
    - `fit` backs a run up every epoch and resumes it; `reporting.train_or_load`
      keeps the finished run; with the folder on Google Drive, a Colab
      disconnection costs at most one epoch. `distribution=` spreads a run over
      several GPUs, and mixed precision and XLA switch on with a GPU.
    - DenseNet-BC and a ResNet of the same size trained side by side give the
      curves and the table above. Only a full-profile run on CIFAR-10 can be
      compared with Table 2's 4.51 %, and only with the paper's 300 epochs
      exactly; the quick profile's digits show that everything runs, not how good
      DenseNet is.
    """),
]
