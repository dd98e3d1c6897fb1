"""What every chapter shares: the Colab cell, the setup cell, and cell constructors."""

from __future__ import annotations

COLAB_CELL = """\
# On Colab, install densenet_lib from the book's repository; elsewhere this does nothing.
import sys
if "google.colab" in sys.modules:
    %pip install -q "densenet_lib @ git+https://github.com/densenet-book/densenet-from-residuals"
"""


def setup_cell(data: str, extra_imports: str = "") -> str:
    """The third cell of every chapter: quiet TensorFlow, imports, the profile."""
    imports = "import keras\nimport numpy as np\n" + extra_imports
    return (
        'import os\nos.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")\n\n'
        f"{imports}\nimport densenet_lib as dl\n\n"
        f"profile = dl.current_profile().announce(data={data!r})\n"
    )


def md(text: str, tags=()):
    """A Markdown cell."""
    return ("markdown", text, tuple(tags))


def code(text: str, tags=()):
    """A code cell; ``tags`` such as ``("hide-input",)`` (a collapsed solution in the book)."""
    return ("code", text, tuple(tags))
