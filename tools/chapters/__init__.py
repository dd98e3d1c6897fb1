"""One module per chapter: ``chNN_name.py`` defines ``CELLS`` for ``chapters/NN_name.ipynb``."""
