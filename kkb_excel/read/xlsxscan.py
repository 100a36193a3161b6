"""What a value reader cannot see in an .xlsx: formula text (including shared formulas) and error cells.

Works on the raw sheet XML, as written by Excel, LibreOffice, WPS or openpyxl.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from xml.etree import ElementTree
from xml.sax.saxutils import escape

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FORMULA = re.compile(rb"<(?:\w+:)?f(\s[^>]*)?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_REF = re.compile(rb'\sr="([A-Z]+[0-9]+)"')
_ERROR_TYPE = re.compile(rb'\st="e"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))  # &amp; last


@dataclass(frozen=True)
class SheetScan:
    formulas: dict[str, str]  # cell -> formula text without '='
    errors: dict[str, str]  # cell -> error value such as '#DIV/0!'


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> part name inside the package (e.g. 'xl/worksheets/sheet1.xml')."""
    return dict(_sheet_parts(archive.read("xl/workbook.xml"), archive.read("xl/_rels/workbook.xml.rels")))


@lru_cache(maxsize=64)
def _sheet_parts(workbook_xml: bytes, rels_xml: bytes) -> tuple[tuple[str, str], ...]:
    """Parsed once per distinct pair of parts: the forms of one template share them byte for byte."""
    workbook = ElementTree.fromstring(workbook_xml)
    rels = ElementTree.fromstring(rels_xml)
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return tuple(parts.items())


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return dict(_ATTR.findall(raw))


_CELL_OPENINGS = (b"<c ", b"<c>", b":c ", b":c>")  # plain or prefixed (<x:c ...>); ":c>" also ends a prefixed cell


def _cell_start(xml: bytes, pos: int) -> int:
    """Start of the <c ...> element enclosing `pos` (plain or namespace-prefixed tag)."""
    window = max(0, pos - 4096)  # a <c> start tag is never far before its <f>/<v>
    return max(xml.rfind(tag, window, pos) for tag in _CELL_OPENINGS)


def _cell_end(xml: bytes, start: int) -> int:
    """Where the cell starting at `start` ends at the latest: its closing tag or the next cell."""
    ends = [p for p in (xml.find(tag, start + 3) for tag in (*_CELL_OPENINGS, b"</c>")) if p > 0]
    return min(ends, default=len(xml))


def _cell_ref(xml: bytes, start: int) -> tuple[str, dict[bytes, bytes]]:
    attrs = _attrs(xml[start : xml.find(b">", start)])
    return attrs.get(b"r", b"").decode(), attrs


def scan_sheet(xml: bytes) -> SheetScan:
    """Formula text of every formula cell (shared formulas expanded) and every error cell.

    Only the few formula and error cells are visited: each is found by its <f> element or
    t="e" attribute, then traced back to its <c> element.
    """
    formulas: dict[str, str] = {}
    errors: dict[str, str] = {}
    shared_masters: dict[bytes, tuple[str, str]] = {}
    shared_children: list[tuple[str, bytes]] = []
    for f in _FORMULA.finditer(xml):
        ref = _REF.search(xml, _cell_start(xml, f.start()), f.start())
        if not ref:
            continue
        ref = ref.group(1).decode()
        f_attrs = _attrs(f.group(1)) if f.group(1) else {}
        text = _unescape((f.group(2) or b"").decode("utf-8"))
        if f_attrs.get(b"t") == b"shared":
            if not text:
                shared_children.append((ref, f_attrs.get(b"si", b"")))
                continue
            shared_masters[f_attrs.get(b"si", b"")] = (ref, text)
        formulas[ref] = text
    for hit in _ERROR_TYPE.finditer(xml):
        start = _cell_start(xml, hit.start())
        ref, attrs = _cell_ref(xml, start)
        if attrs.get(b"t") != b"e":
            continue
        value = _VALUE.search(xml, start, _cell_end(xml, start))
        errors[ref] = value.group(1).decode() if value else "#?"
    if shared_children:
        from openpyxl.formula.translate import Translator

        for ref, si in shared_children:
            if si in shared_masters:
                origin, text = shared_masters[si]
                formulas[ref] = Translator("=" + text, origin=origin).translate_formula(ref)[1:]
    return SheetScan(formulas, errors)


@lru_cache(maxsize=16384)
def _cell_tag(ref: str) -> bytes:
    return b'<c r="' + ref.encode() + b'"'


@lru_cache(maxsize=16384)
def _formula_element(formula: str) -> bytes:
    """<f>...</f> as openpyxl and Excel write it (only &, < and > escaped)."""
    return b"<f>" + escape(formula.lstrip("=")).encode("utf-8") + b"</f>"


def changed_formulas(xml: bytes, expected: dict[str, str]) -> dict[str, str | None]:
    """Cells whose formula is not the expected one: ref -> formula found (None: no formula at all).

    `expected` must be in document order. An untouched cell is recognised by one byte comparison;
    anything else is parsed and compared ignoring case, spaces and escaping. Shared formulas,
    prefixed tags or another cell order fall back to the full scan_sheet.
    """
    changed: dict[str, str | None] = {}
    pos = 0
    for ref, formula in expected.items():
        start = xml.find(_cell_tag(ref), pos)
        if start < 0:
            return _changed_by_full_scan(xml, expected)
        head_end = xml.find(b">", start)
        pos = head_end
        if xml.startswith(_formula_element(formula), head_end + 1):
            continue
        if xml[head_end - 1 : head_end] == b"/" or not xml.startswith(b"<f", head_end + 1):
            changed[ref] = None
            continue
        f = _FORMULA.match(xml, head_end + 1)
        if f is None or (f.group(1) and b"shared" in f.group(1)):
            return _changed_by_full_scan(xml, expected)
        text = _unescape((f.group(2) or b"").decode("utf-8"))
        if normalize_formula(text) != normalize_formula(formula):
            changed[ref] = text
    return changed


def _changed_by_full_scan(xml: bytes, expected: dict[str, str]) -> dict[str, str | None]:
    formulas = scan_sheet(xml).formulas
    return {
        ref: formulas.get(ref)
        for ref, formula in expected.items()
        if formulas.get(ref) is None or normalize_formula(formulas[ref]) != normalize_formula(formula)
    }


def has_error_cells(xml: bytes) -> bool:
    return b't="e"' in xml


def column_index(letters: str) -> int:
    """0-based column index of 'A', 'Z', 'AA', ..."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def normalize_formula(text: str) -> str:
    """Compare formulas ignoring '=', whitespace, case and Excel's _xlfn. prefixes."""
    return re.sub(r"\s+", "", text.lstrip("=")).replace("_xlfn.", "").upper()


def column_letter(index: int) -> str:
    """'A' for 0, 'AA' for 26 (inverse of column_index); '' for a negative index."""
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_BUILTIN_PERCENT = {b"9", b"10"}
_NUMFMT = re.compile(rb'<(?:\w+:)?numFmt\s[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"')
_CELLXFS = re.compile(rb"<(?:\w+:)?cellXfs[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\s([^>]*?)/?>")


@lru_cache(maxsize=64)
def percent_styles(styles_xml: bytes) -> frozenset[str]:
    """Style indexes (the `s` of a cell) whose number format shows a percent: how Excel stores a typed '55%'.

    Cached by content: the files of one batch mostly share one styles part.
    """
    percent_ids = set(_BUILTIN_PERCENT)
    percent_ids.update(i for i, code in _NUMFMT.findall(styles_xml) if b"%" in code.replace(b'"%"', b""))
    block = _CELLXFS.search(styles_xml)
    if not block:
        return frozenset()
    return frozenset(str(n) for n, xf in enumerate(_XF.findall(block.group(1))) if _attrs(xf).get(b"numFmtId") in percent_ids)


def styled_cells(xml: bytes, styles: frozenset[str]) -> set[str]:
    """Cells of a sheet whose style is one of `styles`."""
    if not styles:
        return set()
    pattern = re.compile(rb'<(?:\w+:)?c\s[^>]*?(?:r="([A-Z]+[0-9]+)"[^>]*?\ss="(' + "|".join(sorted(styles)).encode()
                         + rb')"|s="(?:' + "|".join(sorted(styles)).encode() + rb')"[^>]*?\sr="([A-Z]+[0-9]+)")')  # fmt: skip
    return {(m.group(1) or m.group(3)).decode() for m in pattern.finditer(xml)}


_FORMULA_CELL = re.compile(rb'r="([A-Z]+[0-9]+)"[^>]*><(?:\w+:)?f[ >/]')  # <f> is a cell's first child in OOXML


def formula_cells(xml: bytes, count: int | None = None) -> set[str]:
    """References of the cells holding a formula: one regex pass, the full scan only for unusual XML.

    `count`: `formula_count(xml)` where the caller has it already.
    """
    found = {m.decode() for m in _FORMULA_CELL.findall(xml)}
    return found if len(found) >= (formula_count(xml) if count is None else count) else set(scan_sheet(xml).formulas)


_ANY_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def formula_count(xml: bytes) -> int:
    """Number of formula elements (plain or prefixed), a cheap test for formulas outside the expected cells."""
    if b":f" in xml:  # namespace-prefixed tags: the general pattern
        return len(_ANY_FORMULA.findall(xml))
    return xml.count(b"<f>") + xml.count(b"<f ") + xml.count(b"<f/")
