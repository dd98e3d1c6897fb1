"""Headless Chromium with the network cut, for the tests of the built book.

Debian's `chromium` (`make chromium` installs it), driven by Playwright's
Python package. A :class:`Page` opens a built page from file:// with every
other request aborted and recorded, and collects the page's JavaScript errors.
"""

import re
import shutil
from pathlib import Path

CHROMIUM = shutil.which("chromium") or next(
    (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()),
    None,
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# sphinx-thebe (part of Jupyter Book 1) writes
# `const THEBE_JS_URL = "https://unpkg.com/thebe@..."` into every page, twice
# (the second raises "already been declared"). Thebe itself loads only from a
# launch button, which this book does not enable; these are the only CDN
# mention and page error tolerated.
THEBE_CONFIG = re.compile(
    r'const THEBE_JS_URL = "https://unpkg\.com/thebe@[\d.]+/lib/index\.js"'
)
THEBE_ERROR = "Identifier 'THEBE_JS_URL' has already been declared"
LOCAL = ("file:", "data:", "blob:", "about:")


class Page:
    """A book page opened offline: `.page`, every blocked request, every page error."""

    def __init__(self, browser, path: Path, width: int = 1280, height: int = 900):
        self.blocked, self.errors = [], []
        viewport = {"width": width, "height": height}
        self.context = browser.new_context(viewport=viewport)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", self._error)
        self.page.on("request", self._request)
        self.page.goto(path.as_uri(), wait_until="load")

    def _route(self, route):
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _error(self, error):
        if str(error) != THEBE_ERROR:
            self.errors.append(str(error))

    def _request(self, request):
        if not request.url.startswith(LOCAL) and request.url not in self.blocked:
            self.blocked.append(request.url)

    def check_clean(self):
        assert self.blocked == [], f"the page tried the network: {self.blocked}"
        assert self.errors == [], f"JavaScript errors: {self.errors}"

    def close(self):
        self.context.close()
