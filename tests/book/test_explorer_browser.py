"""The growth-rate explorer in the built book, in a real browser with the network cut.

Headless Chromium (Debian's `chromium`, driven by Playwright's Python package;
`make chromium` installs it) opens the built page from file://, with every
other request aborted and recorded. The test drags the growth-rate and
compression sliders, types bad values, and checks every channel count shown
against `dl.channel_plan`; it also checks that the live explorer's widget
snapshot and the equations render from the book's own JavaScript. Screenshots
go to test-artifacts/.
"""

import json
import re
from pathlib import Path

import pytest
from offline_browser import Page

import densenet_lib as dl
from densenet_lib import explorer as ex

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads(
    (ROOT / "tests" / "unit" / "explorer_cases.json").read_text(encoding="utf-8")
)
PAGE = "chapters/08_growth_rate_explorer.html"
ARTIFACTS = ROOT / "test-artifacts"


def test_vendored_javascript_is_in_place():
    """`make vendor-js` (run by `make book` and `make test`) fills _vendor/.

    At the versions in package-lock.json.
    """
    for path in (
        "requirejs/require.js",
        "widgets/embed-amd.js",
        "mathjax/tex-mml-chtml.js",
    ):
        assert (ROOT / "_vendor" / path).is_file(), (
            f"_vendor/{path} is missing: run `make vendor-js`"
        )


def test_built_pages_load_nothing_from_a_cdn(built_book):
    pages = sorted(built_book.rglob("*.html"))
    assert any(p.name == Path(PAGE).name for p in pages)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", text):
            url = re.search(r'\b(?:src|href)="([^"]*)"', tag)
            if url and (
                "<link" not in tag
                or "stylesheet" in tag
                or "preload" in tag
                or "<script" in tag
            ):
                assert not re.match(r"(https?:)?//", url.group(1)), (
                    f"{page.name} loads {url.group(1)}"
                )
        # Host names, not letters inside base64 data: cdn.x, cdnjs.x, unpkg.com,
        # jsdelivr.net.
        found = re.findall(
            r".{0,60}(?:\bcdn[\w-]*\.[a-z]|\bunpkg\.com|\bjsdelivr\.net).{0,60}",
            text,
            re.I,
        )
        assert not found, f"{page.name} mentions a CDN: {found[:3]}"


@pytest.fixture
def book_page(browser, built_book):
    opened = []

    def open_page(path=PAGE):
        page = Page(browser, built_book / path)
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        page.close()


def shown(root) -> dict:
    """What an explorer displays, read from the page."""
    table = [
        dict(
            kind=row.get_attribute("data-kind"),
            name=row.get_attribute("data-name"),
            channels_in=int(row.locator("[data-col=channels_in]").inner_text()),
            channels_out=int(row.locator("[data-col=channels_out]").inner_text()),
            size=row.locator("[data-col=size]").inner_text(),
        )
        for row in root.locator("[data-role=boundaries] tbody tr").all()
    ]
    return dict(
        settings=json.loads(root.get_attribute("data-settings")),
        block=int(root.get_attribute("data-block")),
        layers=[
            int(x) for x in root.locator("[data-role=layers]").inner_text().split(",")
        ],
        params=int(root.locator("[data-role=params]").get_attribute("data-value")),
        macs=int(root.locator("[data-role=macs]").get_attribute("data-value")),
        elements=[
            int(
                root.locator(f"[data-role=elements-{kind}]").get_attribute("data-value")
            )
            for kind in ("naive", "efficient")
        ],
        params_text=root.locator("[data-role=params]").inner_text(),
        table=table,
        message=root.locator("[data-role=message]").inner_text(),
    )


def expected(settings: dict, block: int) -> dict:
    """The same numbers from the Python library."""
    plan = dl.channel_plan(ex.explorer_config(settings))
    view = ex.explorer_view(plan, block)
    assert view["layers"] == plan.block(block)
    return view


def assert_matches_library(root, **settings):
    got = shown(root)
    for key, value in settings.items():
        assert got["settings"][key] == value, key
    view = expected(got["settings"], got["block"])
    assert got["layers"] == view["layers"]
    assert (
        got["params"] == view["params"] and got["params_text"] == f"{view['params']:,}"
    )
    assert got["macs"] == view["macs"]
    assert got["elements"] == [
        view["elements_naive"],
        view["elements_memory_efficient"],
    ]
    assert got["table"] == [
        {k: b[k] for k in ("kind", "name", "channels_in", "channels_out", "size")}
        for b in view["boundaries"]
    ]
    return got


def move_slider(root, role, key, times):
    slider = root.locator(f"[data-role={role}]")
    slider.focus()
    for _ in range(times):
        slider.press(key)
    return slider.input_value()


def test_static_explorer_follows_the_sliders_offline(book_page):
    tab = book_page()
    page = tab.page
    page.wait_for_selector(".densenet-explorer[data-ready=true]")
    root = page.locator(".densenet-explorer").first
    start = assert_matches_library(root, **ex.explorer_settings("densenet_bc100_k12"))
    assert start["message"] == ""

    # Drag the growth-rate slider (keyboard steps, as a reader would), then jump it.
    k = int(move_slider(root, "k-range", "ArrowLeft", 4))
    assert k == start["settings"]["growth_rate"] - 4
    assert root.locator("[data-role=k]").input_value() == str(k)
    assert_matches_library(root, growth_rate=k)
    root.locator("[data-role=k-range]").fill("40")
    assert_matches_library(root, growth_rate=40)

    # The compression slider: 0.50 -> 0.29 in 21 steps of 0.01 (floor(θ·c) with
    # θ = 0.29).
    theta = move_slider(root, "theta-range", "ArrowLeft", 21)
    assert theta == "0.29"
    got = assert_matches_library(root, growth_rate=40, compression=0.29)
    transitions = [row for row in got["table"] if row["kind"] == "transition"]
    assert [t["channels_out"] for t in transitions] == [
        dl.compressed_channels(t["channels_in"], 0.29) for t in transitions
    ]

    # Another block, another preset, the bottleneck switch.
    root.locator("[data-role=block]").select_option("3")
    assert_matches_library(root, growth_rate=40, compression=0.29)
    root.locator("[data-role=preset]").select_option("densenet121")
    assert_matches_library(root, **ex.explorer_settings("densenet121"))
    root.locator("[data-role=bottleneck]").uncheck()
    root.locator("[data-role=size]").fill("225")
    root.locator("[data-role=size]").press("Enter")
    got = assert_matches_library(root, bottleneck=False, input_size=225)
    assert got["table"][0]["size"] == "57x57"  # ceil(ceil(225 / 2) / 2)
    assert "custom" in root.locator("[data-role=matches]").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "static-explorer.png"))
    page.screenshot(path=str(ARTIFACTS / "explorer-page.png"), full_page=True)
    tab.check_clean()


# Where a reader types each setting, and which text a number box (type=number)
# accepts at all: the cases whose text it does not are left to the unit tests.
BOXES = dict(
    growth_rate="k",
    compression="theta",
    blocks="blocks",
    init_channels="init",
    input_size="size",
    classes="classes",
)
NUMBER_BOXES = {"k", "theta", "size", "classes"}
HTML_NUMBER = re.compile(r"(-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?)?")


def as_typed(value) -> str:
    """A setting as a reader types it into its box."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "2k" if value is None else str(value)


def typeable(case) -> bool:
    """One value typed into a box that accepts the text (explorer_cases.json)."""
    if len(case["raw"]) != 1:
        return False
    ((key, text),) = case["raw"].items()
    role = BOXES.get(key)
    return role is not None and (
        role not in NUMBER_BOXES or HTML_NUMBER.fullmatch(text) is not None
    )


def test_static_explorer_clamps_or_refuses_typed_values(book_page):
    tab = book_page()
    root = tab.page.locator(".densenet-explorer").first
    tab.page.wait_for_selector(".densenet-explorer[data-ready=true]")

    def type_into(key, text):
        box = root.locator(f"[data-role={BOXES[key]}]")
        box.fill(text)
        box.press("Enter")
        return shown(root)

    cases = [case for case in CASES["clamp"] if typeable(case)]
    assert len(cases) >= 20
    for case in cases:
        root.locator("[data-role=preset]").select_option(case["preset"])
        for key, value in case.get("previous", {}).items():
            type_into(key, as_typed(value))
        ((key, text),) = case["raw"].items()
        got = type_into(key, text)
        lines = [line for line in got["message"].splitlines() if line.strip()]
        assert lines == case["messages"], case
        previous = ex.explorer_settings(case["preset"], **case.get("previous", {}))
        expected = dict(previous, **case["settings"])
        assert_matches_library(root, **expected)
        k = root.locator("[data-role=k-range]").input_value()
        assert k == str(expected["growth_rate"])  # the slider follows the box
    got = type_into("growth_rate", "3")  # a valid change clears the message
    assert got["message"] == ""
    assert root.locator("[data-role=message]").is_hidden()
    root.screenshot(path=str(ARTIFACTS.joinpath("static-explorer-clamped.png")))
    tab.check_clean()


def test_widget_snapshot_and_equations_render_from_the_book_itself(book_page):
    tab = book_page()
    page = tab.page
    # The live explorer's saved widgets, drawn by the vendored embed manager (not a
    # blank box).
    page.wait_for_selector(".widget-slider", timeout=30000)
    assert page.locator(".widget-slider").count() >= 2
    assert page.locator(".jupyter-widgets img").count() >= 1
    assert (
        "needs a running kernel" in page.locator(".jupyter-widgets").first.inner_text()
    )
    # Equations, typeset by the vendored MathJax.
    page.wait_for_selector("mjx-container", timeout=30000)
    widget = page.locator(".widget-vbox").first
    widget.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    widget.screenshot(path=str(ARTIFACTS / "live-explorer-snapshot.png"))
    tab.check_clean()


def test_every_static_explorer_in_the_book_starts(book_page, built_book):
    """Any page that embeds the static explorer.

    This chapter, the Dense Block chapter, ...
    """
    pages = [
        p
        for p in sorted(built_book.rglob("*.html"))
        if 'class="densenet-explorer' in p.read_text(encoding="utf-8")
    ]
    assert any(p.name == Path(PAGE).name for p in pages)
    for path in pages:
        tab = book_page(path.relative_to(built_book))
        roots = tab.page.locator(".densenet-explorer")
        ids = [roots.nth(i).get_attribute("id") for i in range(roots.count())]
        assert len(set(ids)) == len(ids), f"{path.name}: explorer ids clash: {ids}"
        for i in range(roots.count()):
            assert roots.nth(i).get_attribute("data-ready") == "true", (
                f"{path.name}: explorer {ids[i]} did not start"
            )
            assert_matches_library(roots.nth(i))
        tab.check_clean()


def test_stored_static_explorers_carry_the_current_explorer_js():
    """A notebook's stored explorer output inlines explorer.js: re-execute the
    notebook (tools/execute_notebooks.py) after changing it."""
    current = ex._script_safe(ex.explorer_js())
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                markup = "".join(output.get("data", {}).get("text/html", ""))
                if 'class="densenet-explorer' in markup:
                    assert current in markup, (
                        f"{path.name}: stale explorer.js in a stored output; "
                        "re-execute it"
                    )
