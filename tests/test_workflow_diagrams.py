"""Workflow diagrams generated from the declarations (issue "One declaration per document
type", item 5): every state and transition drawn, text escaped, the page readable in
Chinese, and only the roles that read workflows may open it."""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest
from flask_babel import force_locale

from app.workflows.diagram import text_width, workflow_svg, wrap
from app.workflows.registry import registered
from app.workflows.table import Branch, Transition, Workflow

SVG = "{http://www.w3.org/2000/svg}"
LOCALES = ("en", "zh_Hans", "zh_Hant")


def _flat(text: str) -> str:
    """A label with the line breaks of wrapping taken out."""
    return "".join(text.split())


def _expected(workflow: Workflow) -> tuple[set[tuple[str, str, str]], set[tuple[str, str]]]:
    """(transition, from, to) arrows and (transition, state) listed under a state, computed
    here independently of the diagram module."""
    arrows, stays = set(), set()
    for t in workflow.transitions:
        targets = [b.target for b in t.target] if isinstance(t.target, tuple) else [t.target]
        for source in t.sources:
            for target in targets:
                if target is None or target == source:
                    stays.add((t.name, source))
                else:
                    arrows.add((t.name, source, target))
    return arrows, stays


def _rects(root: ET.Element, xpath: str) -> list[tuple[float, float, float, float]]:
    return [(float(r.get("x")), float(r.get("y")), float(r.get("width")),
             float(r.get("height"))) for r in root.findall(xpath)]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] \
        and b[1] < a[1] + a[3]


def check_diagram(workflow: Workflow, svg: str) -> None:
    """Everything the picture must show, read back from the SVG itself."""
    root = ET.fromstring(svg)  # well-formed XML or this raises
    assert root.tag == f"{SVG}svg"
    width, height = float(root.get("width")), float(root.get("height"))
    assert width > 0 and height > 0 and root.get("viewBox") == f"0 0 {root.get('width')} " \
        f"{root.get('height')}"
    assert "Noto Sans CJK SC" in root.get("font-family")
    assert "Noto Sans CJK TC" in root.get("font-family")
    assert root.find(f".//{SVG}script") is None and "href" not in svg

    states = {g.get("data-state"): g for g in root.iter(f"{SVG}g") if g.get("data-state")}
    assert set(states) == set(workflow.states)
    for code, group in states.items():
        label = workflow.state_label(code)
        assert group.find(f"{SVG}title").text == label
        lines = "".join(t.text or "" for t in group.findall(f"{SVG}text"))
        assert _flat(lines) == _flat(label), code
    assert states[workflow.initial].get("data-kind") == "initial"
    assert {c for c, g in states.items() if g.get("data-kind") == "final"} == \
        set(workflow.final) - {workflow.initial}

    arrows, stays = _expected(workflow)
    drawn = [(p.get("data-transition"), p.get("data-from"), p.get("data-to"))
             for p in root.iter(f"{SVG}path") if p.get("data-from")]
    assert len(drawn) == len(set(drawn)) and set(drawn) == arrows
    labels = {g.get("data-label"): "".join(g.itertext())
              for g in root.iter(f"{SVG}g") if g.get("data-label")}
    for name, _source, _target in arrows:
        assert labels[name] == str(workflow.get(name).label)
    for name, state in stays:
        listed = states[state].find(f"{SVG}g[@data-transition='{name}']")
        assert listed is not None, (name, state)
        shown = "".join(t.text or "" for t in listed.findall(f"{SVG}text"))
        assert _flat(shown) == _flat(str(workflow.get(name).label))

    boxes = [r for g in states.values() for r in _rects(g, f"{SVG}rect")[:1]]
    assert not any(_overlap(a, b) for a, b in combinations(boxes, 2)), "boxes overlap"
    tags = _rects(root, f".//{SVG}g[@data-label]/{SVG}rect")
    assert not any(_overlap(a, b) for a, b in combinations(tags, 2)), "labels overlap"
    for x, y, w, h in boxes + tags:  # inside the picture once translated
        shift = float(re.search(r"translate\(([-\d.]+),", svg).group(1))
        assert 0 <= x + shift and x + shift + w <= width + 0.1 and 0 <= y <= height - h


@pytest.mark.parametrize("locale", LOCALES)
def test_every_workflow_renders_every_state_and_transition(app, locale):
    with app.test_request_context("/"), force_locale(locale):
        workflows = registered()
        assert {"work_order", "complaint", "compensation", "service_record", "revisit",
                "rectification", "collective_case"} <= set(workflows)
        for workflow in workflows.values():
            svg = workflow_svg(workflow)
            check_diagram(workflow, svg)
            assert workflow_svg(workflow) == svg, "the same workflow draws the same"


def test_thumbnail_leaves_the_transition_names_out(app):
    with app.test_request_context("/"):
        workflow = registered()["work_order"]
        root = ET.fromstring(workflow_svg(workflow, labels=False))
        assert root.find(f".//{SVG}g[@data-label]") is None
        listed = root.find(f".//{SVG}g[@data-state='registered']")
        assert "× 2" in "".join(t.text for t in listed.findall(f"{SVG}text"))
        assert len([p for p in root.iter(f"{SVG}path") if p.get("data-from")]) == \
            len(_expected(workflow)[0])


def _toy() -> Workflow:
    """Branches, a staying branch, a way back and text that must be escaped."""
    return Workflow(
        doc_type="toy<&>", resource="Toy", initial="a", final=("d",),
        states={"a": 'Start <b>&amp; "quoted"', "b": "审核中", "c": "c's", "d": "Done & gone"},
        transitions=(
            Transition("go", "Go <now>", ("a",), "b", ("Front-desk agent",)),
            Transition("route", "Route & decide", ("b",),
                       (Branch("c", lambda d, c: True), Branch("d"), Branch(None)), ()),
            Transition("again", "</text>again", ("c",), "a", ()),
            Transition("note", "Note ]]> here", ("c", "d"), None, ()),
            Transition("skip", "跳过", ("a",), "d", ()),
        ))


def test_text_is_escaped_and_branches_loops_and_returns_are_drawn(app):
    workflow = _toy()
    with app.test_request_context("/"):
        svg = workflow_svg(workflow)
    check_diagram(workflow, svg)
    assert "<b>" not in svg and "<now>" not in svg
    root = ET.fromstring(svg)
    back = [p for p in root.iter(f"{SVG}path") if p.get("data-transition") == "again"]
    assert back and back[0].get("stroke-dasharray"), "a way back is drawn dashed"
    route = {p.get("data-to") for p in root.iter(f"{SVG}path")
             if p.get("data-transition") == "route"}
    assert route == {"c", "d"}  # and the staying branch is listed under b
    assert root.find(f".//{SVG}g[@data-state='b']/{SVG}g[@data-transition='route']") \
        is not None


def test_text_width_counts_cjk_as_one_em():
    assert text_width("工单", 10) == 20
    assert text_width("ab", 10) == pytest.approx(12)
    assert text_width("（完）", 10) == 30  # full-width punctuation too
    lines = wrap("已呈总经理审核并等待品质站确认", 13, 80)
    assert len(lines) > 1 and all(text_width(line, 13) <= 80 for line in lines)
    assert "".join(lines) == "已呈总经理审核并等待品质站确认"
    assert wrap("one two three", 10, 50) == ["one two", "three"]  # 42 px, then 78 px
    text = "Awaiting the quality station's confirmation"
    lines = wrap(text, 13, 150)
    assert " ".join(lines) == text and all(text_width(line, 13) <= 150 for line in lines)


# --- the page ------------------------------------------------------------------------------

def _sections(page: str) -> dict[str, str]:
    return dict(re.findall(r'<section class="workflow" id="workflow-([\w-]+)"[^>]*>(.*?)'
                           r"</section>", page, flags=re.S))


def _visible(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def _labels(app, locale: str) -> dict[str, dict[str, str]]:
    with app.test_request_context("/"), force_locale(locale):
        return {k: {s: w.state_label(s) for s in w.states} for k, w in registered().items()}


def test_page_lists_every_workflow_in_chinese(app, world, as_user):
    client = as_user("admin")
    client.get("/lang/en")
    english_page = client.get("/workflows/")
    assert english_page.status_code == 200
    english = _sections(english_page.get_data(as_text=True))
    client.get("/lang/zh_Hans")
    page = client.get("/workflows/").get_data(as_text=True)
    chinese = _sections(page)
    assert set(chinese) == set(registered()) == set(english)
    en_labels, zh_labels = _labels(app, "en"), _labels(app, "zh_Hans")
    for doc_type, section in chinese.items():
        svg = re.search(r"<svg.*?</svg>", section, flags=re.S).group(0)
        check_diagram_root = ET.fromstring(svg)
        assert check_diagram_root.get("data-doc-type") == doc_type
        text = _visible(section)
        for state, label in zh_labels[doc_type].items():
            english_label = en_labels[doc_type][state]
            assert label != english_label, f"{english_label!r} has no zh_Hans translation"
            assert label in text, (doc_type, label)
            assert english_label in _visible(english[doc_type]), (doc_type, english_label)
            assert not re.search(rf"(?<![\w-]){re.escape(english_label)}(?![\w-])", text), \
                (doc_type, english_label)
    work_order = _visible(chinese["work_order"])
    with app.test_request_context("/"), force_locale("zh_Hans"):
        from flask_babel import gettext

        for role in ("Front-desk agent", "Repair lead", "Department head"):
            assert gettext(role) != role and gettext(role) in work_order


def test_svg_alone(app, world, as_user):
    client = as_user("admin")
    response = client.get("/workflows/work_order.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.get_data(as_text=True))
    assert root.get("data-doc-type") == "work_order"
    assert client.get("/workflows/no_such_type.svg").status_code == 404


@pytest.mark.parametrize("username", ["tech_a", "agent_a"])
def test_other_roles_cannot_open_the_diagrams(app, world, as_user, username):
    client = as_user(username)
    for url in ("/workflows/", "/workflows/work_order.svg"):
        response = client.get(url)
        assert response.status_code in (302, 403), (username, url)
        assert "<svg" not in response.get_data(as_text=True)
    assert "Workflow diagrams" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("username", ["head_a", "manager_a", "director_a"])
def test_readers_open_the_diagrams_from_the_menu(app, world, as_user, username):
    client = as_user(username)
    client.get("/lang/en")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/workflows/"' in home and "Workflow diagrams" in home
    response = client.get("/workflows/")
    assert response.status_code == 200
    assert set(_sections(response.get_data(as_text=True))) == set(registered())
    assert client.get("/workflows/complaint.svg").mimetype == "image/svg+xml"
