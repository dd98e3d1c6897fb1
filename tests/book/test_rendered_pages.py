"""Every rendered chapter in headless Chromium, offline: no code cell or code
block needs a horizontal scroll bar, at a laptop's width (1280 px) and at the
theme's full article width (1440 px and wider)."""

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
