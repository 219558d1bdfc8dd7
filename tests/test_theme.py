"""The theme: the app serves its own stylesheet and script, every page links them, and no
page or stylesheet refers to another host (no CDN, no web fonts: the back office works on
a network without internet). The palette keeps WCAG AA contrast."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import flask_appbuilder
import pytest

from tests.helpers import csrf_token

APP_DIR = Path(__file__).resolve().parent.parent / "app"
THEME_CSS = APP_DIR / "static" / "css" / "theme.css"
FAB_INIT = Path(flask_appbuilder.__file__).parent / "templates" / "appbuilder" / "init.html"
OUR_INIT = APP_DIR / "templates" / "appbuilder" / "init.html"


class _Assets(HTMLParser):
    """Every <link href>, <script src> and <img src> of a page, the <html lang> and the
    inline <style> text."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, dict]] = []
        self.lang: str | None = None
        self.body_class = ""
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "body":
            self.body_class = attributes.get("class", "")
        elif tag == "style":
            self._in_style = True
        for name in {"link": ("href",), "script": ("src",),
                     "img": ("src", "srcset")}.get(tag, ()):
            if attributes.get(name):
                self.refs.append((tag, attributes[name], attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _assets(html: str) -> _Assets:
    parser = _Assets()
    parser.feed(html)
    return parser


def _external(url: str) -> bool:
    """Another host: an absolute http(s) URL, or a protocol-relative //host/..."""
    url = url.strip()
    return bool(urlsplit(url).netloc) or url.lower().startswith(("http:", "https:", "//"))


EXTERNAL_IN_CSS = re.compile(
    r"@import\s+(?:url\()?\s*['\"]?\s*(?:https?:)?//|url\(\s*['\"]?\s*(?:https?:)?//",
    re.IGNORECASE)


def _check_css(text: str, where: str) -> None:
    found = EXTERNAL_IN_CSS.search(text)
    assert found is None, f"{where} fetches from another host: {found.group(0)!r}"


def test_external_patterns_are_recognised():
    """The checks below must be able to fail."""
    assert _external("https://cdn.example.com/x.js") and _external("//fonts.example/x.css")
    assert _external("HTTP://example.com/a.png")
    assert not _external("/static/css/theme.css") and not _external("css/a.css")
    for css in ('@import url("https://fonts.googleapis.com/css?family=Lato");',
                "@import url(//fonts.example/x.css);", "@import 'http://x.example/a.css';",
                "a{background:url(https://x.example/a.png)}"):
        with pytest.raises(AssertionError):
            _check_css(css, "sample")
    _check_css("a{background:url(../img/a.png)} @font-face{src:url(data:font/woff2;base64,AA)}",
               "sample")


def test_theme_assets_are_served_locally(client):
    css = client.get("/static/css/theme.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    text = css.get_data(as_text=True)
    assert "--theme-accent" in text and "Noto Sans CJK SC" in text and "Noto Sans CJK TC" in text
    _check_css(text, "theme.css")
    assert "@font-face" not in text  # system fonts only: nothing to download
    js = client.get("/static/js/theme.js")
    assert js.status_code == 200 and "javascript" in js.mimetype
    assert not re.search(r"https?://", js.get_data(as_text=True))


def _page_checks(client, path: str, expect_lang: str = "en") -> _Assets:
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    html = response.get_data(as_text=True)
    page = _assets(html)
    assert page.lang == expect_lang, f"{path}: <html lang={page.lang!r}>"
    hrefs = [url for tag, url, _ in page.refs]
    assert "/static/css/theme.css" in hrefs, f"{path} does not link the theme"
    assert "/static/js/theme.js" in hrefs, f"{path} does not load the theme script"
    # The theme comes after FAB's stylesheets, so it wins where both set a rule.
    sheets = [url for tag, url, a in page.refs
              if tag == "link" and "stylesheet" in a.get("rel", "")]
    assert sheets.index("/static/css/theme.css") > sheets.index("/static/appbuilder/css/ab.css")
    for tag, url, _ in page.refs:
        assert not _external(url), f"{path}: <{tag}> loads {url} from another host"
    for style in page.styles:
        _check_css(style, f"{path} inline <style>")
    # Every stylesheet the page links is served here, with nothing external inside.
    for url in sheets:
        served = client.get(url)
        assert served.status_code == 200, f"{path} links {url}: {served.status_code}"
        _check_css(served.get_data(as_text=True), url)
    return page


def _work_order(client, world) -> int:
    data = {"source": "resident_visit", "category": "electrical", "estate": world.estate_a,
            "unit": world.unit_a, "resident": world.resident_a,
            "description": "No power in the kitchen", "contact_name": "",
            "contact_phone": "", "location": "", "reported_at": "",
            "csrf_token": csrf_token(client, "/workorderview/add")}
    response = client.post("/workorderview/add", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    listed = client.get("/workorderview/list/").get_data(as_text=True)
    found = re.search(r"/workorderview/show/(\d+)", listed)
    assert found, "the new work order is not in the list"
    return int(found.group(1))


def test_main_pages_use_only_local_assets(client, as_user, world, seeded):
    _page_checks(client, "/login/")
    agent = as_user("agent_a")
    pk = _work_order(agent, world)
    for path in ("/", "/workorderview/list/", "/workorderview/add", "/servicerecordview/add",
                 f"/workorderview/show/{pk}", "/workorderview/list/?_flt_0_state=registered"):
        _page_checks(agent, path)
    _page_checks(as_user("head_a"), "/queue/department")


def test_lang_attribute_follows_the_language(client, as_user, seeded):
    agent = as_user("agent_a")
    agent.get("/lang/zh_Hant")
    page = _page_checks(agent, "/", expect_lang="zh-Hant")
    assert "theme-zh-hant" in page.body_class.split()
    agent.get("/lang/zh_Hans")
    page = _page_checks(agent, "/workorderview/list/", expect_lang="zh-Hans")
    assert "theme-zh-hans" in page.body_class.split()
    client.get("/lang/zh_Hant")
    _page_checks(client, "/login/", expect_lang="zh-Hant")


def test_theme_picks_traditional_fonts_for_traditional_pages():
    css = THEME_CSS.read_text(encoding="utf-8")
    hant = re.search(r"--theme-font-hant:([^;]+);", css).group(1)
    hans = re.search(r"--theme-font-hans:([^;]+);", css).group(1)
    assert hant.index('"PingFang TC"') < hant.index('"Noto Sans CJK TC"')
    assert "SC" not in hant and "TC" not in hans
    assert re.search(r":lang\(zh-Hant\)[^{]*\{[^}]*--theme-font-hant", css)


def test_override_keeps_everything_fab_loads():
    """Our appbuilder/init.html replaces FAB's: it must keep each of FAB's blocks and
    assets, or a FAB upgrade could silently lose a script the list filters need."""
    fab = FAB_INIT.read_text(encoding="utf-8")
    ours = OUR_INIT.read_text(encoding="utf-8")
    for block in re.findall(r"{%\s*block\s+(\w+)", fab):
        assert re.search(r"{%\s*block\s+" + block + r"\b", ours), f"block {block} is missing"
    for asset in re.findall(r"url_for\('appbuilder\.static',\s*filename='([^']+)'", fab):
        assert f"filename='{asset}'" in ours, f"FAB's {asset} is no longer loaded"


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_palette_meets_wcag_aa():
    css = THEME_CSS.read_text(encoding="utf-8")
    colours = dict(re.findall(r"--theme-([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", css))
    white, amber_ink = "#ffffff", "#2b1d00"
    pairs = [  # (text, background): normal text needs 4.5:1
        ("text", "surface"), ("text", "page"), ("text", "zebra"), ("text", "head"),
        ("muted", "surface"), ("muted", "zebra"), ("muted", "head"),
        ("accent-dark", "surface"), ("accent-dark", "zebra"), ("accent-dark", "accent-soft"),
        ("accent-dark", "head"),
        ("red-text", "red-soft"), ("amber-text", "amber-soft"), ("green-text", "green-soft"),
        ("info-text", "accent-soft"), ("nav-text", "nav"),
    ]
    for text, background in pairs:
        ratio = _contrast(colours[text], colours[background])
        assert ratio >= 4.5, f"{text} on {background}: {ratio:.2f}:1"
    for background in ("accent", "accent-dark", "red", "green"):  # white labels and buttons
        assert _contrast(white, colours[background]) >= 4.5, background
    assert _contrast(amber_ink, colours["amber"]) >= 4.5
    assert f"color: {amber_ink}" in css  # the amber label and button use that ink
    assert _contrast("#123456", "#123456") == pytest.approx(1.0)
