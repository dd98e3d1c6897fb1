"""A Sphinx extension of the book: no thebe on any page.

Jupyter Book 1 always loads sphinx-thebe, which writes
``const THEBE_JS_URL = "https://unpkg.com/thebe@..."`` into every page, twice
(the second declaration is a JavaScript error), and ``sphinx-thebe.js``. The
book has no live-code button, so both are dropped from every page: no page
names a CDN, and none logs an error (tests/book/test_rendered_pages.py).
"""

from __future__ import annotations


def _is_thebe(script) -> bool:
    body = getattr(script, "attributes", {}).get("body", "") or ""
    filename = getattr(script, "filename", "") or str(script)
    return "THEBE_JS_URL" in body or filename.endswith("sphinx-thebe.js")


def drop_thebe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts is not None:
        context["script_files"] = [s for s in scripts if not _is_thebe(s)]


def setup(app):
    # After sphinx-thebe and the theme have added their scripts.
    app.connect("html-page-context", drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
