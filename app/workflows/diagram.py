"""State diagrams drawn from the workflow declarations themselves.

Department heads read workflows as pictures, and hand-drawn diagrams drifted from the
tables; so the picture is generated from the `Workflow`: every state, one arrow per
(transition, source, target), and the transitions that keep the state listed under it.
The result is plain SVG (no script, no font or file to fetch) so a page can inline it and
the desk can serve it alone.

The layout is a small deterministic layered layout: states in rows by their longest path
from the initial state (edges that go back are drawn reversed and dashed), waypoints where
an edge crosses a row so that it never runs through a box, barycentre ordering within the
rows, horizontal positions by isotonic regression towards the neighbours, and edge labels
in as many lanes per gap between rows as they need not to overlap. Call it inside a
request or app context so that flask_babel translates the labels.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import combinations
from typing import Hashable, Iterable, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from app.workflows.table import Transition, Workflow

FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans CJK TC', sans-serif"
STATE_SIZE = 13.0  # px, state labels
SMALL_SIZE = 11.0  # px, edge labels and the transitions listed under a state
LINE = 17.0  # line height of a state label
SMALL_LINE = 15.0
PAD_X, PAD_Y = 10.0, 8.0  # inside a box
MIN_BOX = 96.0
LABEL_WRAP = 150.0  # state labels wrap beyond this width
STAY_WRAP = 170.0
ICON = 14.0  # room for the "stays" loop icon
GAP_REAL, GAP_WAYPOINT = 40.0, 18.0  # between neighbours in a row
GAP_PAD, LANE = 14.0, 17.0  # vertical room around and per label lane between rows
MIN_GAP = 44.0
MARGIN, START_ROOM = 16.0, 34.0
ROUNDS = 8

COLOURS = {"edge": "#4a4a4a", "back": "#b35900", "box": "#2f6aa3", "box_fill": "#eef5fc",
           "start": "#2e7d32", "start_fill": "#e6f4e4", "final": "#555555",
           "final_fill": "#f1f1f1", "text": "#222222", "muted": "#555555"}


# --- what is drawn -----------------------------------------------------------------------

def target_states(transition: Transition) -> tuple[str | None, ...]:
    """Every state a transition may lead to, branches included; None: the state stays."""
    if isinstance(transition.target, tuple):
        return tuple(dict.fromkeys(branch.target for branch in transition.target))
    return (transition.target,)


@dataclass(frozen=True)
class Move:
    """One arrow: a transition taken from `source` that leads to another state."""

    transition: Transition
    source: str
    target: str


def moves_and_stays(workflow: Workflow) -> tuple[list[Move], dict[str, list[Transition]]]:
    """Arrows in declaration order, and per state the transitions that keep it."""
    moves: list[Move] = []
    stays: dict[str, list[Transition]] = {state: [] for state in workflow.states}
    for transition in workflow.transitions:
        for source in transition.sources:
            for target in target_states(transition):
                if target is None or target == source:
                    if all(t.name != transition.name for t in stays[source]):
                        stays[source].append(transition)
                else:
                    moves.append(Move(transition, source, target))
    return moves, stays


# --- text measuring ----------------------------------------------------------------------

def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def text_width(text: str, size: float) -> float:
    """Estimated width: CJK characters 1 em, anything else 0.6 em."""
    return sum(size if _wide(char) else 0.6 * size for char in text)


def _tokens(text: str) -> list[str]:
    """Words, spaces and single CJK characters: the places a line may break."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if _wide(char) or char.isspace():
            if word:
                tokens.append(word)
                word = ""
            tokens.append(char)
        else:
            word += char
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, size: float, max_width: float) -> list[str]:
    """Greedy line breaking at spaces and between CJK characters."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if token.isspace() and not line:
            continue
        if line and not token.isspace() and \
                text_width(line + token, size) > max_width:
            lines.append(line.rstrip())
            line = ""
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


# --- layout ------------------------------------------------------------------------------

Key = Hashable  # a state code, or ("via", move index, row) for a waypoint


@dataclass
class _Box:
    key: Key
    row: int
    width: float = 0.0
    height: float = 0.0
    lines: list[str] = field(default_factory=list)
    stays: list[tuple[Transition, list[str]]] = field(default_factory=list)
    x: float = 0.0  # centre
    y: float = 0.0  # top

    @property
    def waypoint(self) -> bool:
        return isinstance(self.key, tuple)


@dataclass
class _Chain:
    """A move as laid out: from the upper to the lower box, through waypoints."""

    index: int
    move: Move
    back: bool  # drawn from the lower box up to the upper one
    keys: list[Key]
    points: list[tuple[float, float]] = field(default_factory=list)
    label_at: tuple[float, float] | None = None


@dataclass
class _Layout:
    workflow: Workflow
    labels: bool
    boxes: dict[Key, _Box]
    rows: list[list[Key]]
    chains: list[_Chain]
    row_top: list[float] = field(default_factory=list)
    row_height: list[float] = field(default_factory=list)
    height: float = 0.0


def _rows_of(workflow: Workflow, moves: Sequence[Move]) -> tuple[dict[str, int], set[int]]:
    """Longest-path rows from the initial state, and the moves that go back (found by a
    depth-first search from the initial state, then from any state it does not reach)."""
    out: dict[str, list[int]] = {state: [] for state in workflow.states}
    for i, move in enumerate(moves):
        out[move.source].append(i)
    back: set[int] = set()
    status: dict[str, str] = {}
    finished: list[str] = []

    def visit(state: str) -> None:
        status[state] = "open"
        for i in out[state]:
            target = moves[i].target
            if status.get(target) == "open":
                back.add(i)
            elif target not in status:
                visit(target)
        status[state] = "done"
        finished.append(state)

    for state in (workflow.initial, *workflow.states):
        if state not in status:
            visit(state)
    row = {state: 0 for state in workflow.states}
    for state in reversed(finished):  # a topological order once back moves are left out
        for i in out[state]:
            if i not in back:
                row[moves[i].target] = max(row[moves[i].target], row[state] + 1)
    return row, back


def _state_box(workflow: Workflow, state: str, row: int, stays: list[Transition],
               labels: bool) -> _Box:
    """A state's box, sized for its label and the transitions listed under it."""
    lines = wrap(workflow.state_label(state), STATE_SIZE, LABEL_WRAP)
    if labels:
        listed = [(t, wrap(str(t.label), SMALL_SIZE, STAY_WRAP)) for t in stays]
    else:
        listed = [(t, []) for t in stays]
    widths = [text_width(line, STATE_SIZE) for line in lines]
    widths += [ICON + text_width(line, SMALL_SIZE) for _, ls in listed for line in ls]
    if stays and not labels:
        widths.append(ICON + text_width(f"× {len(stays)}", SMALL_SIZE))
    height = 2 * PAD_Y + LINE * len(lines)
    if stays:
        height += 6 + SMALL_LINE * (sum(len(ls) for _, ls in listed) if labels else 1)
    return _Box(state, row, max(MIN_BOX, max(widths) + 2 * PAD_X), height, lines, listed)


def _build(workflow: Workflow, labels: bool) -> _Layout:
    """Boxes for the states, waypoints for moves that span rows, chains for the moves."""
    moves, stays = moves_and_stays(workflow)
    row, back = _rows_of(workflow, moves)
    boxes = {state: _state_box(workflow, state, row[state], stays[state], labels)
             for state in workflow.states}
    chains: list[_Chain] = []
    for i, move in enumerate(moves):
        upper, lower = (move.target, move.source) if i in back else (move.source, move.target)
        via = [("via", i, r) for r in range(row[upper] + 1, row[lower])]
        for key in via:
            boxes[key] = _Box(key, key[2])
        chains.append(_Chain(i, move, i in back, [upper, *via, lower]))
    rows: list[list[Key]] = [[] for _ in range(max(row.values()) + 1)]
    for key, box in boxes.items():  # states in declaration order, then waypoints
        rows[box.row].append(key)
    return _Layout(workflow, labels, boxes, rows, chains)


def _neighbours(layout: _Layout) -> tuple[dict[Key, list[Key]], dict[Key, list[Key]]]:
    above: dict[Key, list[Key]] = {key: [] for key in layout.boxes}
    below: dict[Key, list[Key]] = {key: [] for key in layout.boxes}
    for chain in layout.chains:
        for upper, lower in zip(chain.keys, chain.keys[1:]):
            below[upper].append(lower)
            above[lower].append(upper)
    return above, below


def _crossings(rows: list[list[Key]], below: Mapping[Key, list[Key]]) -> int:
    total = 0
    for upper, lower in zip(rows, rows[1:]):
        position = {key: i for i, key in enumerate(lower)}
        segments = [(i, position[n]) for i, key in enumerate(upper) for n in below[key]]
        total += sum(1 for (a, b), (c, d) in combinations(segments, 2) if (a - c) * (b - d) < 0)
    return total


def _sort_row(row: list[Key], fixed: list[Key], neighbours: Mapping[Key, list[Key]]) -> None:
    """Barycentre ordering; a box without neighbours keeps its place."""
    position = {key: i for i, key in enumerate(fixed)}

    def barycentre(item: tuple[int, Key]) -> tuple[float, int]:
        i, key = item
        seen = [position[n] for n in neighbours[key]]
        return (sum(seen) / len(seen) if seen else float(i), i)

    row[:] = [key for _, key in sorted(enumerate(row), key=barycentre)]


def _order(layout: _Layout) -> None:
    """Fewer crossings: barycentre sweeps down and up, keeping the best ordering seen."""
    above, below = _neighbours(layout)
    rows = [list(r) for r in layout.rows]
    best, fewest = [list(r) for r in rows], _crossings(rows, below)
    for _ in range(ROUNDS):
        for i in range(1, len(rows)):
            _sort_row(rows[i], rows[i - 1], above)
        for i in range(len(rows) - 2, -1, -1):
            _sort_row(rows[i], rows[i + 1], below)
        crossings = _crossings(rows, below)
        if crossings < fewest:
            best, fewest = [list(r) for r in rows], crossings
    layout.rows = best


def _separation(a: _Box, b: _Box) -> float:
    gap = GAP_REAL if not (a.waypoint or b.waypoint) else GAP_WAYPOINT
    return (a.width + b.width) / 2 + gap


def _place_row(boxes: list[_Box], wanted: list[float]) -> None:
    """Centres as close as possible to `wanted` (least squares) keeping order and spacing:
    isotonic regression by pooling adjacent violators."""
    offsets = [0.0]
    for a, b in zip(boxes, boxes[1:]):
        offsets.append(offsets[-1] + _separation(a, b))
    pools: list[list[float]] = []  # [sum, count]
    for want, offset in zip(wanted, offsets):
        pools.append([want - offset, 1.0])
        while len(pools) > 1 and pools[-2][0] / pools[-2][1] > pools[-1][0] / pools[-1][1]:
            total, count = pools.pop()
            pools[-1][0] += total
            pools[-1][1] += count
    shifts = [total / count for total, count in pools for _ in range(int(count))]
    for box, shift, offset in zip(boxes, shifts, offsets):
        box.x = shift + offset


def _positions(layout: _Layout) -> None:
    """Each box moves towards the mean of its neighbours, down, up, then both ways."""
    above, below = _neighbours(layout)
    boxes = layout.boxes
    for row in layout.rows:
        _place_row([boxes[k] for k in row], [0.0] * len(row))

    def sweep(rows: Iterable[list[Key]], *sides: Mapping[Key, list[Key]]) -> None:
        for row in rows:
            wanted = []
            for key in row:
                near = [boxes[n].x for side in sides for n in side[key]]
                wanted.append(sum(near) / len(near) if near else boxes[key].x)
            _place_row([boxes[k] for k in row], wanted)

    for _ in range(ROUNDS):
        sweep(layout.rows[1:], above)
        sweep(reversed(layout.rows[:-1]), below)
    sweep(layout.rows, above, below)


def _ports(layout: _Layout) -> dict[tuple[int, Key], float]:
    """Where each chain leaves or enters a state box: spread along its bottom and top
    edges in the order of where the chains go, so arrows and labels fan out."""
    boxes = layout.boxes
    sides: dict[tuple[Key, str], list[tuple[float, int]]] = {}
    for chain in layout.chains:
        first, second = chain.keys[0], chain.keys[1]
        last, before = chain.keys[-1], chain.keys[-2]
        sides.setdefault((first, "bottom"), []).append((boxes[second].x, chain.index))
        sides.setdefault((last, "top"), []).append((boxes[before].x, chain.index))
    ports: dict[tuple[int, Key], float] = {}
    for (key, _side), items in sides.items():
        box = boxes[key]
        for n, (_, index) in enumerate(sorted(items)):
            ports[(index, key)] = box.x - box.width / 2 + (n + 1) * box.width / (len(items) + 1)
    return ports


def _lanes(items: list[tuple[int, float, float, float]],
           labels: bool) -> tuple[float, dict[int, tuple[float, float]]]:
    """Height of a gap between rows and each label's centre in it (relative to the gap's
    top): as few lanes as let every label sit on its own segment without overlapping."""
    if not labels or not items:
        return MIN_GAP, {}
    items = sorted(items, key=lambda item: ((item[1] + item[2]) / 2, item[0]))
    for lanes in range(1, len(items) + 1):
        height = max(MIN_GAP, 2 * GAP_PAD + lanes * LANE)
        taken: list[list[tuple[float, float]]] = [[] for _ in range(lanes)]
        placed: dict[int, tuple[float, float]] = {}
        for index, x0, x1, width in items:
            for lane in range(lanes):
                y = (height - lanes * LANE) / 2 + (lane + 0.5) * LANE
                x = x0 + (x1 - x0) * y / height
                low, high = x - width / 2, x + width / 2
                if all(high + 4 <= a or low >= b + 4 for a, b in taken[lane]):
                    taken[lane].append((low, high))
                    placed[index] = (x, y)
                    break
            else:
                break
        if len(placed) == len(items):
            return height, placed
    raise AssertionError("unreachable: one lane per label always fits")


def _route(layout: _Layout) -> None:
    """Rows' vertical positions, every chain's points and every label's place."""
    boxes, rows = layout.boxes, layout.rows
    ports = _ports(layout)
    layout.row_height = [max((boxes[k].height for k in row), default=0.0) for row in rows]
    xs: dict[int, list[float]] = {}  # chain -> x at each row it crosses
    gap_items: list[list[tuple[int, float, float, float]]] = [[] for _ in rows]
    for chain in layout.chains:
        xs[chain.index] = [ports[(chain.index, chain.keys[0])],
                           *(boxes[k].x for k in chain.keys[1:-1]),
                           ports[(chain.index, chain.keys[-1])]]
        top = boxes[chain.keys[0]].row
        step = len(chain.keys) - 2 if chain.back else 0  # the gap next to the source
        width = text_width(str(chain.move.transition.label), SMALL_SIZE) + 8
        x = xs[chain.index]
        gap_items[top + step].append((chain.index, x[step], x[step + 1], width))
    gaps = [_lanes(items, layout.labels) for items in gap_items[:-1]]
    y = MARGIN + START_ROOM
    for i, height in enumerate(layout.row_height):
        layout.row_top.append(y)
        y += height + (gaps[i][0] if i < len(gaps) else 0.0)
    layout.height = y + MARGIN
    for key, box in boxes.items():
        box.y = layout.row_top[box.row]
    for chain in layout.chains:
        _chain_points(layout, chain, xs[chain.index])
        top = boxes[chain.keys[0]].row
        step = len(chain.keys) - 2 if chain.back else 0
        placed = gaps[top + step][1].get(chain.index)
        if placed is not None:
            gap_top = layout.row_top[top + step] + layout.row_height[top + step]
            chain.label_at = (placed[0], gap_top + placed[1])


def _chain_points(layout: _Layout, chain: _Chain, xs: list[float]) -> None:
    """Straight segments: down from the box to the bottom of its row, across the gap,
    through each waypoint's row, into the next box. Drawn from the source."""
    boxes = layout.boxes
    first = boxes[chain.keys[0]]
    points = [(xs[0], first.y + first.height)]
    for x, key in zip(xs[1:], chain.keys[1:]):
        row = boxes[key].row
        bottom_before = layout.row_top[row - 1] + layout.row_height[row - 1]
        points.append((points[-1][0], bottom_before))
        points.append((x, layout.row_top[row]))
        if key != chain.keys[-1]:
            points.append((x, layout.row_top[row] + layout.row_height[row]))
    unique = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    chain.points = unique[::-1] if chain.back else unique


def layout(workflow: Workflow, *, labels: bool = True) -> _Layout:
    """Everything positioned; `workflow_svg` only writes it out."""
    result = _build(workflow, labels)
    _order(result)
    _positions(result)
    _route(result)
    return result


# --- SVG ---------------------------------------------------------------------------------

def _n(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(**values: object) -> str:
    """XML attributes; `stroke_width` is written stroke-width, None leaves one out."""
    return "".join(
        f" {name.replace('_', '-')}="
        + quoteattr(_n(value) if isinstance(value, float) else str(value))
        for name, value in values.items() if value is not None)


def _el(tag: str, content: str | None = None, **attrs: object) -> str:
    if content is None:
        return f"<{tag}{_attrs(**attrs)}/>"
    return f"<{tag}{_attrs(**attrs)}>{content}</{tag}>"


def _text(x: float, y: float, text: str, size: float = STATE_SIZE, **attrs: object) -> str:
    """`y` is the line's vertical centre; the baseline is estimated from the font size."""
    return _el("text", escape(text), x=x, y=y + 0.35 * size, font_size=size, **attrs)


def _bounds(layout: _Layout) -> tuple[float, float]:
    lows, highs = [], []
    for box in layout.boxes.values():
        lows.append(box.x - box.width / 2)
        highs.append(box.x + box.width / 2)
    for chain in layout.chains:
        lows += [x for x, _ in chain.points]
        highs += [x for x, _ in chain.points]
        if chain.label_at:
            half = text_width(str(chain.move.transition.label), SMALL_SIZE) / 2 + 4
            lows.append(chain.label_at[0] - half)
            highs.append(chain.label_at[0] + half)
    return min(lows), max(highs)


def _loop_icon(x: float, y: float, colour: str) -> str:
    """A small circular arrow: this transition keeps the state."""
    arc = f"M{_n(x + 3.5)},{_n(y - 2)} A4,4 0 1,1 {_n(x - 3.5)},{_n(y - 2)}"
    head = f"M{_n(x - 5.5)},{_n(y - 4.5)} L{_n(x - 3.2)},{_n(y - 1)} L{_n(x - 0.8)},{_n(y - 4.2)} z"
    return (_el("path", d=arc, fill="none", stroke=colour, stroke_width=1.2)
            + _el("path", d=head, fill=colour))


def _look(workflow: Workflow, state: str) -> tuple[str, str, str | None]:
    """Stroke, fill and kind of a state's box: start green, final grey."""
    if state == workflow.initial:
        return COLOURS["start"], COLOURS["start_fill"], "initial"
    if state in workflow.final:
        return COLOURS["final"], COLOURS["final_fill"], "final"
    return COLOURS["box"], COLOURS["box_fill"], None


def _state_svg(layout: _Layout, box: _Box) -> list[str]:
    workflow, state = layout.workflow, str(box.key)
    stroke, fill, kind = _look(workflow, state)
    left, top = box.x - box.width / 2, box.y
    parts = [f"<g{_attrs(data_state=state, data_kind=kind)}>",
             _el("title", escape(workflow.state_label(state))),
             _el("rect", x=left, y=top, width=box.width, height=box.height, rx=8, fill=fill,
                 stroke=stroke, stroke_width=2.0 if kind == "initial" else 1.3)]
    if kind == "final":  # a double border
        parts.append(_el("rect", x=left + 3.5, y=top + 3.5, width=box.width - 7,
                         height=box.height - 7, rx=5, fill="none", stroke=stroke,
                         stroke_width=1.0))
    if kind == "initial":  # the start dot and its arrow
        parts.append(_el("circle", cx=box.x, cy=top - 24, r=6, fill=stroke))
        parts.append(_el("path", d=f"M{_n(box.x)},{_n(top - 18)} L{_n(box.x)},{_n(top)}",
                         stroke=stroke, stroke_width=1.5,
                         marker_end=f"url(#{_marker_id(workflow, 'start')})"))
    y = top + PAD_Y
    for line in box.lines:
        parts.append(_text(box.x, y + LINE / 2, line, text_anchor="middle",
                           fill=COLOURS["text"]))
        y += LINE
    if box.stays:
        parts.append(_el("path", d=f"M{_n(left + 6)},{_n(y + 3)} H{_n(left + box.width - 6)}",
                         stroke=stroke, stroke_width=0.6, stroke_dasharray="3 2"))
        parts += _stays_svg(box, left, y + 6)
    parts.append("</g>")
    return parts


def _stays_svg(box: _Box, left: float, y: float) -> list[str]:
    """The transitions that keep the state, one per line under the label."""
    muted, x = COLOURS["muted"], left + PAD_X
    if not any(lines for _, lines in box.stays):  # labels=False: just how many
        return [_loop_icon(x + 4, y + SMALL_LINE / 2, muted),
                _text(x + ICON, y + SMALL_LINE / 2, f"× {len(box.stays)}", SMALL_SIZE,
                      fill=muted)]
    parts = []
    for transition, lines in box.stays:
        parts.append(f"<g{_attrs(data_transition=transition.name)}>"
                     + _el("title", escape(str(transition.label)))
                     + _loop_icon(x + 4, y + SMALL_LINE / 2, muted))
        for line in lines:
            parts.append(_text(x + ICON, y + SMALL_LINE / 2, line, SMALL_SIZE, fill=muted))
            y += SMALL_LINE
        parts.append("</g>")
    return parts


def _marker_id(workflow: Workflow, kind: str) -> str:
    """Unique per diagram: several diagrams share one HTML page."""
    return f"wf-{re.sub(r'[^A-Za-z0-9_-]', '-', workflow.doc_type)}-{kind}"


def _markers(workflow: Workflow) -> str:
    markers = "".join(
        f"<marker{_attrs(id=_marker_id(workflow, kind))} viewBox=\"0 0 10 10\" refX=\"10\""
        f" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\""
        f" orient=\"auto\">{_el('path', d='M0,0 L10,5 L0,10 z', fill=colour)}</marker>"
        for kind, colour in (("arrow", COLOURS["edge"]), ("back", COLOURS["back"]),
                             ("start", COLOURS["start"])))
    return f"<defs>{markers}</defs>"


def _chain_svg(layout: _Layout, chain: _Chain) -> str:
    workflow, move = layout.workflow, chain.move
    kind = "back" if chain.back else "arrow"
    d = " ".join(f"{'M' if i == 0 else 'L'}{_n(x)},{_n(y)}"
                 for i, (x, y) in enumerate(chain.points))
    title = (f"{move.transition.label}: {workflow.state_label(move.source)} → "
             f"{workflow.state_label(move.target)}")
    return _el("path", _el("title", escape(title)), d=d, fill="none",
               stroke=COLOURS["back" if chain.back else "edge"], stroke_width=1.3,
               stroke_dasharray="6 3" if chain.back else None, stroke_linejoin="round",
               marker_end=f"url(#{_marker_id(workflow, kind)})",
               data_transition=move.transition.name, data_from=move.source,
               data_to=move.target)


def _label_svg(chain: _Chain) -> str:
    x, y = chain.label_at or (0.0, 0.0)
    text = str(chain.move.transition.label)
    width = text_width(text, SMALL_SIZE) + 8
    background = _el("rect", x=x - width / 2, y=y - LANE / 2 + 1.5, width=width,
                     height=LANE - 3, rx=3, fill="#ffffff", fill_opacity=0.88)
    label = _text(x, y, text, SMALL_SIZE, text_anchor="middle",
                  fill=COLOURS["back" if chain.back else "text"])
    return f"<g{_attrs(data_label=chain.move.transition.name)}>{background}{label}</g>"


def workflow_svg(workflow: Workflow, *, labels: bool = True) -> str:
    """The workflow as a standalone SVG document (a string), the same for the same
    workflow and locale. `labels=False` leaves the transition names out (a thumbnail)."""
    drawn = layout(workflow, labels=labels)
    low, high = _bounds(drawn)
    width, height = high - low + 2 * MARGIN, drawn.height
    head = _attrs(width=width, height=height, viewBox=f"0 0 {_n(width)} {_n(height)}",
                  font_family=FONT_FAMILY, role="img", data_doc_type=workflow.doc_type)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1"{head}>',
             _el("title", escape(workflow.doc_type)), _markers(workflow),
             f'<g transform="translate({_n(MARGIN - low)},0)">',
             "<g>", *(_chain_svg(drawn, c) for c in drawn.chains), "</g>"]
    for row in drawn.rows:
        parts += [line for key in row if not drawn.boxes[key].waypoint
                  for line in _state_svg(drawn, drawn.boxes[key])]
    parts += [_label_svg(c) for c in drawn.chains if c.label_at is not None]
    parts.append("</g></svg>")
    return "\n".join(parts)
