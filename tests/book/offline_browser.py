"""Headless Chromium with the network cut, for the tests of the built book.

Debian's `chromium` (`make chromium` installs it), driven by Playwright's
Python package. A :class:`Page` opens a built page from file:// with every
other request aborted and recorded, and collects the page's JavaScript errors.
"""

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
LOCAL = ("file:", "data:", "blob:", "about:")


class Page:
    """A book page opened offline: `.page`, and every blocked request, failed
    local file and JavaScript error of the page."""

    def __init__(self, browser, path: Path, width: int = 1280, height: int = 900):
        self.blocked, self.errors, self.failed = [], [], []
        viewport = {"width": width, "height": height}
        self.context = browser.new_context(viewport=viewport)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", self._error)
        self.page.on("request", self._request)
        self.page.on("requestfailed", self._failed)
        self.page.goto(path.as_uri(), wait_until="load")

    def _route(self, route):
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _error(self, error):
        self.errors.append(str(error))

    def _failed(self, request):
        if request.url.startswith("file:"):
            self.failed.append(request.url)

    def _request(self, request):
        if not request.url.startswith(LOCAL) and request.url not in self.blocked:
            self.blocked.append(request.url)

    def check_clean(self):
        assert self.blocked == [], f"the page tried the network: {self.blocked}"
        assert self.errors == [], f"JavaScript errors: {self.errors}"
        assert self.failed == [], f"local files that failed to load: {self.failed}"

    def close(self):
        self.context.close()
