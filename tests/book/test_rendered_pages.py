"""Every rendered page in headless Chromium, offline: each opens without a
JavaScript error, a missing local file or a request leaving the machine, and
no chapter's code cell or code block needs a horizontal scroll bar, at a
laptop's width (1280 px) and at the theme's full article width (1440 px and
wider)."""

import pytest
from offline_browser import Page

from tools.notebooks import chapter_notebooks

CHAPTERS = [f"chapters/{p.stem}.html" for p in chapter_notebooks()]
# Each code cell's input and output, and every other code block of the page.
OVERFLOWING = """() => {
  const boxes = document.querySelectorAll([
    "div.cell_input pre", "div.cell_output", "div.cell_output pre",
    "article div.highlight pre",
  ].join(", "));
  return [...boxes]
    .filter((box) => box.scrollWidth > box.clientWidth + 1)
    .map((box) => {
      const lines = box.textContent.split("\\n");
      const widest = lines.reduce((a, b) => (b.length > a.length ? b : a), "");
      return `${box.scrollWidth - box.clientWidth}px too wide: ${widest.trim()}`;
    });
}"""


@pytest.mark.parametrize("width", [1280, 1440])
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_code_cell_scrolls_sideways(browser, built_book, chapter, width):
    page = Page(browser, built_book / chapter, width=width)
    try:
        assert page.page.evaluate(OVERFLOWING) == []
    finally:
        page.close()


def test_every_page_opens_offline_without_an_error(browser, built_book):
    """No page error, no local file missing, no request leaving the machine."""
    pages = sorted(
        p for p in built_book.rglob("*.html") if "_static" not in p.parts
    )  # (_static holds the theme's template fragments, not pages)
    assert len(pages) > len(CHAPTERS)
    for path in pages:
        page = Page(browser, path)
        try:
            page.page.wait_for_load_state("networkidle")
            page.check_clean()
        finally:
            page.close()
