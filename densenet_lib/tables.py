"""Tables the chapters print: plain text, aligned, with thousands separators.

:func:`text_table` replaces the hand-aligned f-strings a notebook would
otherwise need: the first column is left-aligned, the others right-aligned,
and integers are written ``1,234,567``.
"""

from __future__ import annotations

import numbers

from .config import spatial_after_stem_conv


def _cell(value) -> str:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def text_table(header, rows, align: str | None = None) -> str:
    """The ``rows`` (sequences of cells) under ``header``, as aligned text.

    Integers get thousands separators; every other cell is ``str(cell)``, so
    format floats before passing them. Every row must have as many cells as
    the header. ``align`` has one letter per column, ``"l"`` (left) or ``"r"``
    (right); by default the first column is left-aligned, the others right.
    """
    header = [str(h) for h in header]
    align = align or "l" + "r" * (len(header) - 1)
    if len(align) != len(header) or set(align) - {"l", "r"}:
        raise ValueError(
            f"align must have one letter 'l' or 'r' per column ({len(header)}), "
            f"got {align!r}"
        )
    body = [[_cell(v) for v in row] for row in rows]
    for i, row in enumerate(body):
        if len(row) != len(header):
            raise ValueError(
                f"rows[{i}] must have {len(header)} cells like the header, "
                f"got {len(row)}"
            )
    widths = [max(len(r[c]) for r in [header, *body]) for c in range(len(header))]

    def line(cells):
        padded = [
            cell.ljust(width) if side == "l" else cell.rjust(width)
            for cell, width, side in zip(cells, widths, align)
        ]
        return "  ".join(padded).rstrip()

    return "\n".join(line(r) for r in [header, *body])


TABLE1_OPERATIONS = {
    "Convolution": "7×7 conv, stride 2",
    "Pooling": "3×3 max pool, stride 2",
    "dense_block": "[1×1, 3×3 conv] × n",
    "transition": "1×1 conv, 2×2 avg pool",
    "head": "global avg pool, FC, softmax",
}
"""The operation column of the paper's Table 1, by row (stem rows by name)."""


def table1_column(plan) -> list:
    """One network's column of the paper's Table 1, from its channel plan.

    ``(output size, output channels)`` for each row of Table 1: the stem's
    convolution and pooling, each Dense Block (channels ``"n → c"``: its
    layers and its output), each transition and the classification layer.
    Sizes read ``"56²"``, a transition's ``"56² → 28²"``. ``plan`` is a
    :class:`~densenet_lib.ChannelPlan` of an ImageNet-stem DenseNet with a
    known input size.
    """
    if plan.config.stem != "imagenet" or plan.config.input_shape[0] is None:
        raise ValueError(
            "plan must be the channel plan of an ImageNet DenseNet with a fixed "
            f"input size (Table 1's layout), got stem={plan.config.stem!r}, "
            f"input_shape={plan.config.input_shape}"
        )
    stem, *middle, head = plan.boundaries()
    conv = spatial_after_stem_conv(plan.config.input_shape[0], "imagenet")
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


def table1(plans: dict) -> tuple:
    """The paper's Table 1 regenerated: ``(header, rows)`` for
    :func:`densenet_lib.reporting.html_table`, one column per plan of
    ``plans`` (``{depth: ChannelPlan}``), the output sizes of the first, and
    three rows the paper leaves out: the layers L, the parameters and the
    multiply-adds."""
    from .paper import TABLE1_ROWS

    columns = {d: table1_column(p) for d, p in plans.items()}
    first = next(iter(columns.values()))
    rows = []
    for i, row in enumerate(TABLE1_ROWS):
        operation = TABLE1_OPERATIONS.get(row.layer) or TABLE1_OPERATIONS[row.kind]
        rows.append(
            [row.layer, first[i][0], operation] + [c[i][1] for c in columns.values()]
        )
    rows += [
        ["<b>layers L</b>", "", "as counted"]
        + [p.config.num_layers for p in plans.values()],
        ["<b>parameters</b>", "", "millions"]
        + [f"{p.params / 1e6:.2f}" for p in plans.values()],
        ["<b>multiply-adds</b>", "", "billions per image"]
        + [f"{p.macs / 1e9:.2f}" for p in plans.values()],
    ]
    return ["", "output", "operation"] + [f"DN-{d}" for d in plans], rows
