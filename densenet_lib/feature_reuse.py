"""Feature reuse: the paper's Figure 5 (Huang et al. 2017, Sec. 5, "Feature Reuse").

For every convolutional layer ℓ of a Dense Block the paper computes "the
average (absolute) weight assigned to connections with layer s": the mean
|w| over the kernel entries that read the feature maps of source s,
"normalized by number of input feature-maps". Figure 5 draws one heat map
per Dense Block; a hot pixel at (s, ℓ) means layer ℓ makes strong use of the
features of layer s.

:func:`feature_reuse` reads these numbers off the kernels of any built
DenseNet of the library (or of ``keras.applications``, whose layer names it
shares); :func:`draw_feature_reuse` draws them the way the paper does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import check_model


@dataclass(frozen=True)
class FeatureReuse:
    """The paper's Figure 5 as numbers: one matrix per Dense Block.

    ``matrices[b]`` (a float64 array; b is 0-based, the paper's Dense Block
    b + 1) holds at ``[t, s]`` the mean absolute weight with which target t
    reads source s (both are the paper's layer indices, ℓ and s):

    - columns s = 0..L: s = 0 is the block's input (the stem's or the
      previous transition's output), s = 1..L are the block's L layers,
      each contributing k channels;
    - rows t = 1..L are the block's layers, read at their first convolution
      (the 1x1 of a bottleneck layer, the 3x3 of a plain one); row t = L + 1
      is the transition after the block, or the classifier after the last
      block. Row 0 is all NaN (no layer has index 0 as a target), so that
      index and layer number agree.

    Shape (L + 2, L + 1), or (L + 1, L + 1) for the last block of a model
    built without its classifier (``include_top=False``: there is no
    target L + 1 to read). Connections that cannot exist (s >= t) are NaN.

    ``target_layers[b]`` names the Keras layers read for rows 1, 2, ...
    (e.g. ``"conv2_block1_1_conv"``, ``"pool2_conv"``, ``"predictions"``);
    ``last_targets[b]`` is ``"transition"``, ``"classifier"`` or ``None``
    (no row L + 1). The object is also a sequence of its matrices:
    ``len(result)``, ``result[b]`` and ``for matrix in result``.
    """

    matrices: tuple
    target_layers: tuple
    last_targets: tuple
    model_name: str

    def __len__(self) -> int:
        return len(self.matrices)

    def __getitem__(self, block: int) -> np.ndarray:
        return self.matrices[block]

    def __iter__(self):
        return iter(self.matrices)

    def num_layers(self, block: int) -> int:
        """L, the dense layers of Dense Block ``block`` (0-based)."""
        return self.matrices[block].shape[1] - 1


def _not_a_densenet(model, why: str) -> ValueError:
    return ValueError(
        f"model must be a DenseNet built by densenet_lib (or keras.applications), "
        f"with its layer names; {model.name!r} is not: {why}"
    )


def _channel_means(layer) -> np.ndarray:
    """Mean |w| per input channel of a Conv2D or Dense kernel: (c_in,).

    Conv2D kernels are (kh, kw, c_in, c_out), Dense kernels (c_in, c_out): the
    input channel is axis -2 in both; the mean runs over every other axis.
    """
    import keras

    kernel = np.abs(np.asarray(keras.ops.convert_to_numpy(layer.kernel), "float64"))
    return np.moveaxis(kernel, -2, 0).reshape(kernel.shape[-2], -1).mean(axis=1)


def _read_target(model, layer, bounds, kind):
    """Mean |w| per source of one target: (number of sources,)."""
    import keras

    expected = keras.layers.Dense if kind == "classifier" else keras.layers.Conv2D
    if not isinstance(layer, expected):
        raise _not_a_densenet(
            model,
            f"{layer.name!r} is a {type(layer).__name__}, not a {expected.__name__}",
        )
    means = _channel_means(layer)
    if means.shape[0] != bounds[-1]:
        raise _not_a_densenet(
            model,
            f"{layer.name!r} reads {means.shape[0]} channels where the Dense Block "
            f"before it holds {bounds[-1]}",
        )
    return np.array([means[lo:hi].mean() for lo, hi in zip(bounds[:-1], bounds[1:])])


def feature_reuse(model) -> FeatureReuse:
    """The paper's Figure 5: how strongly each layer uses each earlier layer.

    Paper: Sec. 5, "Feature Reuse", Figure 5 ("the average absolute filter
    weights of convolutional layers in a trained DenseNet"; the paper's model
    is a DenseNet with L = 40, k = 12 trained on C10+, i.e.
    ``densenet_lib.cifar_preset("densenet40_k12")``).

    Entry [t, s] of Dense Block b's matrix is the mean of |w| over every
    kernel entry of target t whose input channel belongs to source s (over
    the spatial positions, those input channels and all output channels):
    the average weight of the connection, normalised by the number of
    channels s contributes. See :class:`FeatureReuse` for the layout.

    Args:
        model: a built DenseNet from :func:`densenet_lib.DenseNet`, its
            presets, or ``keras.applications.DenseNet121/169/201`` (the same
            layer names: ``conv{b}_block{l}_1_conv``/``_2_conv``,
            ``pool{b}_conv``, ``predictions``). Any input size, any backend.

    Returns:
        A :class:`FeatureReuse` with one (L + 2, L + 1) float64 matrix per
        Dense Block; (L + 1, L + 1) for the last block of a model without
        its classifier (``include_top=False``).

    Raises:
        ValueError: naming ``model`` if it is not a built ``keras.Model``, or
            not a DenseNet with the library's layer names (a Sequential, a
            ``densenet_lib.ResNetCIFAR``, ...).
    """
    check_model("model", model)
    if not model.built:
        raise ValueError(
            f"model {model.name!r} is not built: call it on data or build it on a "
            "keras.Input first"
        )
    layers = {layer.name: layer for layer in model.layers}
    if "conv2_block1_concat" not in layers:
        raise _not_a_densenet(model, "it has no Dense Block 'conv2_block1_concat'")
    stages = []
    while f"conv{len(stages) + 2}_block1_concat" in layers:
        stage = len(stages) + 2
        count = 0
        while f"conv{stage}_block{count + 1}_concat" in layers:
            count += 1
        stages.append((stage, count))

    matrices, names, lasts = [], [], []
    for index, (stage, num_layers) in enumerate(stages):
        prefixes = [f"conv{stage}_block{l}" for l in range(1, num_layers + 1)]
        growth = [layers.get(f"{p}_2_conv") for p in prefixes]  # adds the k channels
        first = [layers.get(f"{p}_1_conv", g) for p, g in zip(prefixes, growth)]
        if None in first or None in growth:
            raise _not_a_densenet(
                model, f"Dense Block conv{stage} lacks its convolutions"
            )
        k0 = int(first[0].kernel.shape[-2])
        bounds = np.cumsum([0, k0] + [int(conv.kernel.shape[-1]) for conv in growth])
        targets = [(conv, "dense_layer") for conv in first]
        if index < len(stages) - 1:
            transition = layers.get(f"pool{stage}_conv")
            if transition is None:
                raise _not_a_densenet(model, f"no transition 'pool{stage}_conv'")
            targets.append((transition, "transition"))
        elif "predictions" in layers:
            targets.append((layers["predictions"], "classifier"))
        matrix = np.full((len(targets) + 1, num_layers + 1), np.nan)
        for t, (layer, kind) in enumerate(targets, start=1):
            matrix[t, :t] = _read_target(model, layer, bounds[: t + 1], kind)
        matrices.append(matrix)
        names.append(tuple(layer.name for layer, _ in targets))
        lasts.append(targets[-1][1] if len(targets) > num_layers else None)
    return FeatureReuse(tuple(matrices), tuple(names), tuple(lasts), model.name)


_LAST_LABEL = {"transition": "T", "classifier": "C"}


def draw_feature_reuse(result, axes=None, *, cmap="jet", vmin=None, vmax=None):
    """Draw a :class:`FeatureReuse` as the paper's Figure 5: one heat map per block.

    As in the paper, the x-axis is the target layer ℓ (1..L, then the
    transition "T" or the classifier "C", outlined in black like the paper's
    highlighted columns) and the y-axis the source layer s (0, the block's
    input, at the top: "the top row of the triangles"); the filled cells
    form the upper-right triangle and impossible cells (s >= ℓ) stay blank.
    The colour scale (``cmap``, default the paper's blue-to-red ``"jet"``;
    ``vmin``/``vmax`` default to the smallest and largest value of all
    blocks) is shared by the panels, with one colorbar.

    Args:
        result: what :func:`feature_reuse` returned.
        axes: one matplotlib Axes per Dense Block, or ``None`` for a new figure.

    Returns:
        The matplotlib Figure (``plt.show()`` is left to the caller).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    if not isinstance(result, FeatureReuse):
        raise ValueError(
            "result must be what densenet_lib.feature_reuse(model) returns, "
            f"got {type(result).__name__}"
        )
    if axes is None:
        _, axes = plt.subplots(
            1, len(result), figsize=(2.6 * len(result) + 1.2, 3.0), squeeze=False
        )
        axes = list(axes[0])
    else:
        axes = list(np.ravel(axes))
        if len(axes) != len(result):
            raise ValueError(
                f"axes must hold one Axes per Dense Block ({len(result)}), "
                f"got {len(axes)}"
            )
    values = np.concatenate([m[np.isfinite(m)] for m in result])
    vmin = float(values.min()) if vmin is None else vmin
    vmax = float(values.max()) if vmax is None else vmax
    image = None
    for b, (ax, matrix) in enumerate(zip(axes, result)):
        num_targets, num_sources = matrix.shape[0] - 1, matrix.shape[1]
        grid = np.ma.masked_invalid(matrix[1:].T)  # rows: source s, columns: target t
        image = ax.imshow(
            grid,
            cmap=cmap,
            vmin=vmin,
            vmax=vmax,
            extent=(0.5, num_targets + 0.5, num_sources - 0.5, -0.5),
            interpolation="nearest",
        )
        last = result.last_targets[b]
        step = max(1, round(num_targets / 6))
        ticks = list(range(1, result.num_layers(b) + 1, step))
        if last is not None and step > 1:  # keep clear of the "T"/"C" label
            ticks = [t for t in ticks if num_targets - t >= step]
        labels = [str(t) for t in ticks]
        if last is not None:
            ticks.append(num_targets)
            labels.append(_LAST_LABEL[last])
            ax.add_patch(
                Rectangle(
                    (num_targets - 0.5, -0.5),
                    1,
                    num_sources,
                    fill=False,
                    edgecolor="black",
                    linewidth=1.5,
                )
            )
        ax.set_xticks(ticks, labels)
        ax.set_yticks(range(0, num_sources, step))
        ax.set_title(f"Dense Block {b + 1}", fontsize=10)
        ax.set_xlabel("Target layer (ℓ)")
        if b == 0:
            ax.set_ylabel("Source layer (s)")
    figure = axes[0].figure
    figure.colorbar(
        image, ax=axes, fraction=0.05, pad=0.03, label="mean |weight| per channel"
    )
    return figure
