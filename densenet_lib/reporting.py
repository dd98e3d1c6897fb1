"""Training runs as results: saved and reloaded, plotted, and set beside the paper.

The training chapter trains two networks for up to hours on a Colab GPU, so
a finished run must survive the notebook's kernel: :func:`train_or_load`
trains with :func:`densenet_lib.training.fit` (which resumes an interrupted
run from its backup) and, once training has finished, stores the model and
its history in the run's folder; called again, it loads them instead of
training a second time. :func:`plot_learning_curves` draws training loss and
test error per epoch, and :func:`results_table` prints the final test errors
beside the paper's Table 2 (Huang et al., CVPR 2017), read from
:mod:`densenet_lib.paper`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from . import paper
from .data import ImageData
from .training import Recipe, fit
from .training import steps_per_epoch as steps_per_epoch  # re-exported for chapter 6

MODEL_FILE = "model.keras"
HISTORY_FILE = "history.json"
BACKUP_FOLDER = "backup"

# Which Table 2 column a run on a data set is comparable with, without / with
# data augmentation.
_TABLE2_COLUMNS = {"cifar10": ("c10", "c10_plus"), "cifar100": ("c100", "c100_plus")}


def learning_rates(recipe: Recipe) -> np.ndarray:
    """The learning rate of each epoch of ``recipe``.

    Shape ``(recipe.epochs,)``; index 0 is the first epoch.

    Read off the recipe's own schedule in the middle of each epoch.
    """
    schedule = recipe.learning_rate_schedule(steps_per_epoch=2)
    return np.array(
        [
            float(keras.ops.convert_to_numpy(schedule(2 * epoch + 1)))
            for epoch in range(recipe.epochs)
        ]
    )


@dataclass(frozen=True)
class Run:
    """A finished training run: its model's name and size, the data and recipe, and
    the Keras history (``loss``, ``accuracy``, ``val_loss``, ``val_accuracy`` per epoch;
    "val" is the test set, evaluated after every epoch, as in the paper's curves)."""

    name: str
    params: int
    data: str
    recipe: Recipe
    history: dict
    model: keras.Model | None = None

    @property
    def epochs(self) -> int:
        return len(self.history["loss"])

    @property
    def test_accuracy(self) -> float:
        """Test accuracy after the last epoch."""
        return float(self.history["val_accuracy"][-1])

    @property
    def test_error(self) -> float:
        """Test error after the last epoch, as a fraction (the paper prints percent)."""
        return 1.0 - self.test_accuracy

    def test_errors(self) -> np.ndarray:
        """Test error after each epoch, as fractions."""
        return 1.0 - np.asarray(self.history["val_accuracy"], dtype=float)


def _history_dict(history) -> dict:
    return {key: [float(v) for v in values] for key, values in history.history.items()}


def train_or_load(
    build_model, data: ImageData, recipe: Recipe, folder, **fit_kwargs
) -> Run:
    """Train with :func:`densenet_lib.training.fit`, or load the finished run.

    ``folder`` holds one run: ``backup/`` while it trains (fit resumes from it
    after an interruption), then ``model.keras`` and ``history.json`` once it
    has finished. Use one folder per model, data set and recipe; delete it to
    train again. ``fit_kwargs`` go to :func:`~densenet_lib.training.fit`
    (``seed``, ``distribution``, ``accelerate``, ``verbose``, ``callbacks``).
    """
    folder = Path(folder)
    model_path, history_path = folder / MODEL_FILE, folder / HISTORY_FILE
    if model_path.exists() and history_path.exists():
        saved = json.loads(history_path.read_text())
        if saved["data"] != data.name or saved["epochs"] != recipe.epochs:
            raise ValueError(
                f"{folder} holds a finished run of {saved['epochs']} epochs on "
                f"{saved['data']!r}, not {recipe.epochs} epochs on {data.name!r}: "
                "choose another folder or delete it"
            )
        model = keras.saving.load_model(model_path, compile=False)
        print(
            f"{model.name}: loaded the finished run in {folder} "
            "(delete the folder to train again)"
        )
        return Run(
            model.name, model.count_params(), data.name, recipe, saved["history"], model
        )
    folder.mkdir(parents=True, exist_ok=True)
    model, history = fit(
        build_model, data, recipe, backup_dir=folder / BACKUP_FOLDER, **fit_kwargs
    )
    record = _history_dict(history)
    model.save(model_path)
    history_path.write_text(
        json.dumps({"data": data.name, "epochs": recipe.epochs, "history": record})
    )
    return Run(model.name, model.count_params(), data.name, recipe, record, model)


def paper_column(data_name: str, augment: bool) -> str | None:
    """The Table 2 column (a :class:`densenet_lib.paper.Table2Row` field) a run is
    comparable with: ``"c10_plus"`` for CIFAR-10 with augmentation, ...; ``None``
    for data the paper did not use (such as the offline digits)."""
    columns = _TABLE2_COLUMNS.get(data_name)
    return None if columns is None else columns[bool(augment)]


def paper_error(model_name: str, data_name: str, augment: bool) -> float | None:
    """The paper's test error (percent) for a Table 2 network, or ``None``.

    ``model_name`` is a ``densenet_lib.CIFAR_PRESETS`` name (the name
    ``dl.cifar_preset`` and ``dl.DenseNetCIFAR`` give their models, e.g.
    ``"densenet_bc100_k12"``); ``None`` when the network is not in Table 2, the
    data are not comparable, or the paper prints "-".
    """
    column = paper_column(data_name, augment)
    if column is None or model_name not in {row.preset for row in paper.TABLE2}:
        return None
    return getattr(paper.table2(model_name), column)


def html_table(header, rows):
    """A small HTML table (``IPython.display.HTML``) for notebooks.

    ``header``: the column headings; ``rows``: rows of cells.
    """
    from IPython.display import HTML

    pad = 'style="padding: 2px 10px"'

    def cells(tag, row):
        return "".join(f"<{tag} {pad}>{cell}</{tag}>" for cell in row)

    head = f"<thead><tr>{cells('th', header)}</tr></thead>"
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    return HTML(f"<table>{head}<tbody>{body}</tbody></table>")


def results_table(runs) -> str:
    """A text table of ``runs``.

    Parameters, data, epochs, final test error (%), and the paper's Table 2
    error (after 300 epochs) of the same network on the same data, where there
    is one ("-" for a network Table 2 does not list, "not in the paper" for
    data it did not use).
    """
    header = (
        f"{'model':<18} {'params':>8} {'data':<8} {'epochs':>6} {'error':>7}  Table 2"
    )
    lines = [header, "-" * len(header)]
    for run in runs:
        column = paper_column(run.data, run.recipe.augment)
        published = paper_error(run.name, run.data, run.recipe.augment)
        if published is not None:
            reference = f"{published:.2f} % ({paper.TABLE2_DATASETS[column]})"
        elif column is None:
            reference = "not in the paper"
        else:
            reference = "-"
        lines.append(
            f"{run.name:<18} {run.params:>8,} {run.data:<8} {run.epochs:>6} "
            f"{100 * run.test_error:>5.2f} %  {reference}"
        )
    return "\n".join(lines)


def plot_learning_curves(runs, axes=None):
    """Training loss and test error (%) per epoch of each run, side by side, with the
    learning-rate drops of the first run's recipe dashed. Both axes are logarithmic
    (the error's only above 1 %). Returns the matplotlib Figure."""
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    runs = list(runs)
    if not runs:
        raise ValueError("runs must hold at least one Run")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    loss_ax, error_ax = axes
    for run in runs:
        epochs = np.arange(1, run.epochs + 1)
        label = f"{run.name} ({run.params:,} parameters)"
        (line,) = loss_ax.plot(epochs, run.history["loss"], label=label)
        error_ax.plot(
            epochs, 100 * run.test_errors(), color=line.get_color(), label=label
        )
    recipe = runs[0].recipe
    for ax in axes:
        # Between the last epoch at the old rate and the first at the new one
        # (drop_epochs are 0-based, the x axis counts epochs from 1).
        for epoch in recipe.drop_epochs:
            ax.axvline(epoch + 0.5, color="gray", lw=0.8, ls="--")
        ax.set_xlabel("epoch (dashed: learning rate / 10)")
    loss_ax.set(
        ylabel="training loss (incl. weight decay)", yscale="log", title="Training loss"
    )
    # Logarithmic above 1 %, so that the last epochs' errors stay apart; linear
    # below (an error can be 0).
    error_ax.set_yscale("symlog", linthresh=1.0, linscale=0.5)
    error_ax.set(
        ylabel="test error, % (log scale above 1 %)",
        title=f"Test error on {runs[0].data}",
        ylim=(0, 100),
    )
    error_ax.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:g}")
    )
    error_ax.legend(fontsize=8)
    loss_ax.figure.tight_layout()
    return loss_ax.figure
