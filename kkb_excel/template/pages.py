"""Row heights, page breaks and group labels of the daftar tilik table, planned for one paper size.

Heights are explicit (Excel, LibreOffice and WPS then agree on them), so the page breaks can be
placed here: a sasaran/program/kegiatan cell never spans a page break; the group's label is repeated
in full on the first row of the next page ("... (lanjutan)"), rows growing to fit it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from kkb_excel.template.layout import CHAR_PX, LINE_PT, MARGIN_IN, WIDTH, Paper

GROUP_KEYS = ("sasaran", "program", "kegiatan")
PAD_PT = 3.0
SAFETY = 0.95  # renderers differ slightly in line metrics; leave some room on every page
CONTINUED = " (lanjutan)"


def chars_per_line(width: float) -> int:
    """How many FONT_SIZE characters fit on one line of a column `width` characters wide."""
    return max(1, int((width * 7 + 1) / CHAR_PX))


def line_count(text: str, width: float) -> int:
    """Lines the text takes in a wrapped column (greedy word wrap, long words broken)."""
    limit = chars_per_line(width)
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size > limit:
                count += 1
                used = 0
            used += size + (1 if used else 0)
            while used > limit:
                count += 1
                used -= limit
    return max(count, 1)


def height(lines: int) -> float:
    return LINE_PT * lines + PAD_PT


@dataclass(frozen=True)
class Segment:
    """Rows `start`..`start + size - 1` (0-based indicator index) under one label cell."""

    key: str
    start: int
    size: int
    label: str


@dataclass
class Plan:
    heights: list[float]
    breaks: list[int]  # 0-based indicator index starting a new page
    break_before_closing: bool
    segments: list[Segment] = field(default_factory=list)


def printable_pt(paper: Paper) -> float:
    """Height of a page's printable area, in sheet points at the paper's scale."""
    paper_pt = paper.short_mm / 25.4 * 72 - (MARGIN_IN["top"] + MARGIN_IN["bottom"]) * 72
    return paper_pt / (paper.scale / 100) * SAFETY


def _paginate(heights: list[float], first_pt: float, rest_pt: float, closing_pt: float) -> tuple[list[int], bool]:
    breaks, used, room = [], 0.0, first_pt
    for i, h in enumerate(heights):
        if used and used + h > room:
            breaks.append(i)
            used, room = 0.0, rest_pt
        used += h
    return breaks, used + closing_pt > room


def _segments(groups: dict[str, list[tuple[int, int, str]]], breaks: list[int]) -> list[tuple[Segment, bool]]:
    """Each group split at the page breaks; True marks a continuation (label repeated)."""
    out = []
    cuts = set(breaks)
    for key, spans in groups.items():
        for start, size, label in spans:
            seg_start = start
            for i in range(start + 1, start + size + 1):
                if i == start + size or i in cuts:
                    out.append((Segment(key, seg_start, i - seg_start, label), seg_start != start))
                    seg_start = i
    return out


def plan(
    labels: list[dict[str, str]],
    row_lines: list[int],
    paper: Paper,
    top_pt: float,
    header_pt: float,
    closing_pt: float,
) -> Plan:
    """Heights, breaks and labelled segments for the indicator rows.

    `labels[i]` holds the sasaran/program/kegiatan labels of row i; `row_lines[i]` the lines its own
    cells need; `top_pt` is the height above the table on page 1, `header_pt` the repeated header and
    `closing_pt` the legend and sign-off block kept together on the last page.
    """
    heights = [height(n) for n in row_lines]
    groups = {
        key: [(g[0][0], len(g), g[0][1][key]) for _, it in groupby(enumerate(labels), key=lambda x: x[1][key])
              for g in [list(it)]]
        for key in GROUP_KEYS
    }  # fmt: skip
    page = printable_pt(paper)
    breaks: list[int] = []
    closing_break = False
    for _ in range(10):
        for seg, continued in _segments(groups, breaks):
            need = height(line_count(seg.label + (CONTINUED if continued else ""), WIDTH[seg.key]))
            have = sum(heights[seg.start : seg.start + seg.size])
            if have < need:
                extra = (need - have) / seg.size
                for i in range(seg.start, seg.start + seg.size):
                    heights[i] += extra
        heights = [round(h * 4) / 4 for h in heights]  # quarter points, as Excel stores them
        new_breaks, closing_break = _paginate(heights, page - top_pt, page - header_pt, closing_pt)
        if new_breaks == breaks:
            break
        breaks = new_breaks
    segments = [
        Segment(seg.key, seg.start, seg.size, seg.label + (CONTINUED if continued else ""))
        for seg, continued in _segments(groups, breaks)
    ]
    return Plan(heights, breaks, closing_break, segments)
