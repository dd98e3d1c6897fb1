"""Reporting: saved runs, learning rates, learning curves and the paper's Table 2."""

import json

import matplotlib
import numpy as np
import pytest

import densenet_lib as dl
from densenet_lib import reporting

matplotlib.use("Agg")

RECIPE = dl.training.Recipe(epochs=4, batch_size=32, augment=False)


def history(val_accuracy):
    n = len(val_accuracy)
    return {
        "loss": list(np.linspace(2.0, 0.5, n)),
        "accuracy": list(np.linspace(0.2, 0.9, n)),
        "val_loss": list(np.linspace(2.1, 0.6, n)),
        "val_accuracy": list(val_accuracy),
    }


def test_steps_per_epoch_counts_the_last_partial_batch():
    assert reporting.steps_per_epoch(50_000, 64) == 782
    assert reporting.steps_per_epoch(128, 64) == 2


def test_learning_rates_follow_the_paper_schedule():
    rates = reporting.learning_rates(dl.training.PAPER_RECIPE)
    assert rates.shape == (300,)
    # 0.1 for epochs 1-150, 0.01 for 151-225, 0.001 after (index 0 = epoch 1).
    np.testing.assert_allclose(
        rates[[0, 149, 150, 224, 225, 299]], [0.1, 0.1, 0.01, 0.01, 0.001, 0.001]
    )
    short = reporting.learning_rates(dl.training.SHORT_GPU_RECIPE)
    assert (
        np.count_nonzero(np.isclose(short, 0.1)) == 20
        and np.count_nonzero(np.isclose(short, 0.001)) == 10
    )


def test_paper_error_reads_table_2_by_data_and_augmentation():
    assert reporting.paper_error("densenet_bc100_k12", "cifar10", augment=True) == 4.51
    assert reporting.paper_error("densenet_bc100_k12", "cifar10", augment=False) == 5.92
    assert (
        reporting.paper_error("densenet_bc100_k12", "cifar100", augment=True) == 22.27
    )
    # The paper prints "-" there.
    assert reporting.paper_error("densenet_bc190_k40", "cifar10", augment=False) is None
    assert reporting.paper_error("densenet_bc100_k12", "digits", augment=False) is None
    assert reporting.paper_error("resnet56", "cifar10", augment=True) is None


def test_run_and_results_table():
    dense = reporting.Run(
        "densenet_bc100_k12",
        769_162,
        "cifar10",
        dl.training.SHORT_GPU_RECIPE,
        history([0.5, 0.9, 0.93]),
    )
    resnet = reporting.Run(
        "resnet50",
        758_554,
        "cifar10",
        dl.training.SHORT_GPU_RECIPE,
        history([0.4, 0.92]),
    )
    digits = reporting.Run(
        "densenet_bc22_k12", 73_678, "digits", RECIPE, history([0.5, 0.97])
    )
    assert dense.epochs == 3 and dense.test_accuracy == 0.93
    assert dense.test_error == pytest.approx(0.07)
    np.testing.assert_allclose(dense.test_errors(), [0.5, 0.1, 0.07])
    table = reporting.results_table([dense, resnet, digits]).splitlines()
    assert "params" in table[0] and "Table 2" in table[0]
    assert (
        "769,162" in table[2]
        and "7.00 %" in table[2]
        and table[2].endswith("4.51 % (C10+)")
    )
    assert table[3].endswith("-")
    assert table[4].endswith("not in the paper")


def test_plot_learning_curves():
    runs = [
        reporting.Run(name, 1000, "digits", RECIPE, history([0.3, 0.6, 0.8, 0.9]))
        for name in ("a", "b")
    ]
    fig = reporting.plot_learning_curves(runs)
    loss_ax, error_ax = fig.axes
    assert len(loss_ax.get_lines()) == 2 + 2  # two runs, two learning-rate drops
    # The dashed lines fall between the epochs where the schedule's rate drops.
    rates = reporting.learning_rates(RECIPE)
    drops = [i + 0.5 for i in range(1, len(rates)) if rates[i] < rates[i - 1]]
    for ax in (loss_ax, error_ax):
        dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
        assert [line.get_xdata()[0] for line in dashed] == drops
    np.testing.assert_allclose(error_ax.get_lines()[0].get_ydata(), [70, 40, 20, 10])
    with pytest.raises(ValueError, match="runs"):
        reporting.plot_learning_curves([])


def test_train_or_load_trains_once_then_loads(tmp_path):
    data = dl.data.load_digits32().subset(train=64, test=32).normalized()
    recipe = RECIPE.replace(epochs=1)
    built = []

    def build(dropout_rate):
        built.append(dropout_rate)
        tiny = dict(growth_rate=4, stem="cifar", classes=10, input_shape=(32, 32, 3))
        return dl.DenseNet((1, 1), dropout_rate=dropout_rate, name="tiny", **tiny)

    folder = tmp_path / "tiny_digits"
    first = reporting.train_or_load(
        build, data, recipe, folder, accelerate=False, verbose=0
    )
    assert built == [0.2]  # no augmentation: the paper's dropout
    assert first.epochs == 1 and first.name == "tiny" and 0 <= first.test_accuracy <= 1
    assert (folder / "model.keras").exists() and not (folder / "backup").exists()
    second = reporting.train_or_load(
        build, data, recipe, folder, accelerate=False, verbose=0
    )
    assert built == [0.2]  # loaded, not trained again
    assert second.history == first.history and second.params == first.params
    np.testing.assert_allclose(
        second.model.predict(data.x_test[:4], verbose=0),
        first.model.predict(data.x_test[:4], verbose=0),
        atol=1e-6,
    )
    saved = json.loads((folder / "history.json").read_text())
    assert saved["data"] == "digits" and saved["epochs"] == 1
    with pytest.raises(ValueError, match="choose another folder"):
        reporting.train_or_load(
            build, data, recipe.replace(epochs=2), folder, accelerate=False, verbose=0
        )


def test_html_table_has_a_header_and_one_row_per_row():
    from densenet_lib.reporting import html_table

    table = html_table(
        ["model", "params"], [["DenseNet", "7.0M"], ["DenseNet-BC", "0.8M"]]
    ).data
    assert (
        table.count("<th ") == 2 and table.count("<tr>") == 3 and "DenseNet-BC" in table
    )
