"""densenet_lib.feature_reuse (the paper's Figure 5), checked on small DenseNets
whose kernels are set by hand, so every entry of the expected matrix is known
in closed form."""

import keras
import matplotlib
import numpy as np
import pytest

import densenet_lib as dl

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

K0, K = 3, 2  # the stem's channels (block 1's k_0) and the growth rate


def small_densenet(bottleneck, include_top=True):
    """Dense Block 1: 3 layers on k_0 = 3, a transition to floor(0.5 * 9) = 4
    channels, Dense Block 2: 2 layers on k_0 = 4, then 4 + 2 * 2 = 8 channels
    into the classifier (4 classes)."""
    return dl.DenseNet(
        blocks=(3, 2),
        growth_rate=K,
        init_channels=K0,
        bottleneck=bottleneck,
        compression=0.5,
        stem="cifar",
        classes=4,
        include_top=include_top,
        pooling=None if include_top else "avg",
        input_shape=(8, 8, 3),
    )


def source_of(channel, k0):
    """The source of an input channel, from the concatenation order
    [x_0 (k_0 channels), H_1 (k), H_2 (k), ...] of paper Eq. 2."""
    return 0 if channel < k0 else 1 + (channel - k0) // K


def set_pattern(layer, t, k0):
    """Every kernel entry that reads source s gets |w| = (s + 1)(t + 1)(1 + o % 2)
    (o: the output channel), with signs alternating entry by entry. The mean
    of |w| over a source's entries is then 1.5 (s + 1)(t + 1) for an even
    number of output channels, whatever the kernel size or the number of
    channels the source has."""
    shape = tuple(layer.kernel.shape)
    c_in, c_out = shape[-2:]
    assert c_out % 2 == 0
    s = np.array([source_of(c, k0) for c in range(c_in)])
    magnitude = (s[:, None] + 1) * (t + 1) * (1 + np.arange(c_out)[None, :] % 2)
    sign = (-1.0) ** np.arange(np.prod(shape)).reshape(shape)
    layer.kernel.assign((np.broadcast_to(magnitude, shape) * sign).astype("float32"))


def expected_matrix(num_layers, num_targets):
    matrix = np.full((num_targets + 1, num_layers + 1), np.nan)
    for t in range(1, num_targets + 1):
        for s in range(t):
            matrix[t, s] = 1.5 * (s + 1) * (t + 1)
    return matrix


def hand_set_model(bottleneck, include_top=True):
    """The small DenseNet with every kernel at 1000, except the targets'
    first convolutions, the transition and the classifier, which carry the
    pattern: reading any other kernel would show."""
    model = small_densenet(bottleneck, include_top)
    for layer in model.layers:
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
            layer.kernel.assign(np.full(layer.kernel.shape, 1000.0, "float32"))
    first = "1_conv" if bottleneck else "2_conv"  # the 1x1, or the plain 3x3
    for stage, num_layers, k0, last in ((2, 3, K0, "pool2_conv"), (3, 2, 4, None)):
        for l in range(1, num_layers + 1):
            set_pattern(model.get_layer(f"conv{stage}_block{l}_{first}"), l, k0)
        if last is None and include_top:
            last = "predictions"
        if last is not None:
            set_pattern(model.get_layer(last), num_layers + 1, k0)
    return model


@pytest.mark.parametrize("bottleneck", [False, True])
def test_hand_set_kernels_give_the_expected_matrices(bottleneck):
    result = dl.feature_reuse(hand_set_model(bottleneck))
    assert len(result) == 2
    assert [m.shape for m in result] == [(5, 4), (4, 3)]  # (L + 2, L + 1)
    np.testing.assert_allclose(result[0], expected_matrix(3, 4), rtol=1e-6)
    np.testing.assert_allclose(result[1], expected_matrix(2, 3), rtol=1e-6)
    first = "1_conv" if bottleneck else "2_conv"
    assert result.target_layers == (
        tuple(f"conv2_block{l}_{first}" for l in (1, 2, 3)) + ("pool2_conv",),
        tuple(f"conv3_block{l}_{first}" for l in (1, 2)) + ("predictions",),
    )
    assert result.last_targets == ("transition", "classifier")
    assert [result.num_layers(b) for b in range(2)] == [3, 2]


def test_nan_exactly_where_no_connection_exists():
    for matrix in dl.feature_reuse(small_densenet(bottleneck=True)):
        t, s = np.indices(matrix.shape)
        np.testing.assert_array_equal(np.isnan(matrix), s >= t)
        assert (matrix[s < t] > 0).all()


def test_without_the_classifier_the_last_block_has_no_row_l_plus_1():
    model = hand_set_model(bottleneck=False, include_top=False)
    result = dl.feature_reuse(model)
    assert result.last_targets == ("transition", None)
    assert [m.shape for m in result] == [(5, 4), (3, 3)]
    np.testing.assert_allclose(result[1], expected_matrix(2, 2), rtol=1e-6)
    dl.draw_feature_reuse(result)
    plt.close("all")


def test_the_papers_model_and_keras_applications():
    # Sec. 5 trains a DenseNet with L = 40, k = 12: three blocks of 12 layers.
    result = dl.feature_reuse(dl.cifar_preset("densenet40_k12"))
    assert [m.shape for m in result] == [(14, 13)] * 3
    assert result.last_targets == ("transition", "transition", "classifier")
    # keras.applications' DenseNet-121 has the same layer names (Table 1 blocks).
    reference = keras.applications.DenseNet121(weights=None, input_shape=(32, 32, 3))
    result = dl.feature_reuse(reference)
    assert [m.shape for m in result] == [(n + 2, n + 1) for n in (6, 12, 24, 16)]
    assert result.target_layers[0][0] == "conv2_block1_1_conv"


def test_bad_input_raises_value_error_naming_model():
    with pytest.raises(ValueError, match="model must be a built keras.Model"):
        dl.feature_reuse("densenet121")
    with pytest.raises(ValueError, match="model .* is not built"):
        dl.feature_reuse(keras.Sequential([keras.layers.Dense(2)]))
    sequential = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="model must be a DenseNet"):
        dl.feature_reuse(sequential)
    with pytest.raises(ValueError, match="model must be a DenseNet"):
        dl.feature_reuse(dl.ResNetCIFAR(depth=8))
    # A concatenation with the right name is not enough.
    inputs = keras.Input((4, 4, 2))
    fake = keras.layers.Concatenate(name="conv2_block1_concat")([inputs, inputs])
    with pytest.raises(ValueError, match="lacks its convolutions"):
        dl.feature_reuse(keras.Model(inputs, fake))
    # A "predictions" layer that does not read the last block's channels.
    base = small_densenet(bottleneck=False, include_top=False)
    hidden = keras.layers.Dense(5, name="hidden")(base.output)
    head = keras.layers.Dense(3, name="predictions")(hidden)
    with pytest.raises(ValueError, match="reads 5 channels .* holds 8"):
        dl.feature_reuse(keras.Model(base.input, head))


def test_draw_feature_reuse_draws_the_papers_figure(monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("draw_feature_reuse must not call plt.show()")

    monkeypatch.setattr(plt, "show", no_show)
    result = dl.feature_reuse(hand_set_model(bottleneck=True))
    figure = dl.draw_feature_reuse(result)
    panels, colorbar = figure.axes[:2], figure.axes[2:]
    assert len(colorbar) == 1
    for b, ax in enumerate(panels):
        assert ax.get_title() == f"Dense Block {b + 1}"
        assert ax.get_xlabel() == "Target layer (ℓ)"
        image = ax.get_images()[0].get_array()
        # Rows are sources s, columns targets t = 1..L+1: the paper's layout.
        np.testing.assert_array_equal(
            np.ma.getmaskarray(image), np.isnan(result[b][1:].T)
        )
        np.testing.assert_allclose(image[0, 0], result[b][1, 0])
    assert panels[0].get_ylabel() == "Source layer (s)"
    assert [t.get_text() for t in panels[0].get_xticklabels()][-1] == "T"
    assert [t.get_text() for t in panels[1].get_xticklabels()][-1] == "C"
    low, high = colorbar[0].get_ylim()
    assert (low, high) == (1.5 * 1 * 2, 1.5 * 4 * 5)  # smallest and largest entry

    fig, axes = plt.subplots(1, 2)
    assert dl.draw_feature_reuse(result, axes) is fig
    with pytest.raises(ValueError, match="axes must hold one Axes per Dense Block"):
        dl.draw_feature_reuse(result, axes[:1])
    with pytest.raises(ValueError, match="result must be"):
        dl.draw_feature_reuse(result.matrices)
    plt.close("all")
