"""Tables the chapters print: plain text, aligned, with thousands separators.

:func:`text_table` replaces the hand-aligned f-strings a notebook would
otherwise need: the first column is left-aligned, the others right-aligned,
and integers are written ``1,234,567``.
"""

from __future__ import annotations

import numbers


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
