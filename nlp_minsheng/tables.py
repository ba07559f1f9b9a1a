"""The one table reader: pipe tables and HTML tables flattened to one cell per line.

Segmentation (a row per item), the rule tagger (bare numbers in typed columns) and the
value normalisers (the currency unit a column header names) all read tables here:

* **pipe tables** — ``序号 | 项目名称 | 投资(万元)`` rows, one per line (blank lines between
  rows allowed), or the same cells separated by tabs; a row with no bare-number cell is a header for the rows
  below it;
* **flattened tables** — an HTML table copied as one cell per line, usually with blank
  lines between: a run of at least three short header cells (序号, 项目名称, 年度目标,
  投资(万元) …) followed by rows of the same number of cells.

Offsets are into the text given to :func:`read_tables` (normalised text in the pipeline).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from .grammar import BARE_NUMBER, CURRENCY_RE, HEADER_CURRENCY, HEADER_TARGET, HEADER_UNIT


@dataclass(frozen=True)
class Cell:
    """One cell: ``[start, end)`` covers its raw text (between pipes, or its whole line)."""

    start: int
    end: int
    text: str

    @property
    def value(self) -> str:
        return self.text.strip()

    @property
    def is_bare_number(self) -> bool:
        return bool(BARE_NUMBER.fullmatch(self.value))


@dataclass(frozen=True)
class Row:
    start: int
    end: int
    cells: tuple[Cell, ...]
    header: bool


@dataclass(frozen=True)
class Table:
    kind: str  # "pipe" or "flat"
    rows: tuple[Row, ...]

    def header_for(self, row: int) -> Row | None:
        """The nearest header row above ``rows[row]``."""
        for r in range(row - 1, -1, -1):
            if self.rows[r].header:
                return self.rows[r]
        return None

    def cell_at(self, pos: int) -> tuple[int, int] | None:
        """``(row, column)`` of the cell holding ``pos``."""
        for r, row in enumerate(self.rows):
            if row.start <= pos <= row.end:
                for c, cell in enumerate(row.cells):
                    if cell.start <= pos < cell.end or (pos == cell.end and cell.end > cell.start):
                        return r, c
        return None


def column_kind(header: str) -> tuple[str, str] | None:
    """What a header cell says about the bare numbers under it: ``("AMOUNT", "万元")``,
    ``("TARGET", "个")`` (a planned quantity with its unit) or ``None``."""
    m = HEADER_CURRENCY.search(header)
    if m:
        return "AMOUNT", m.group(1)
    if HEADER_TARGET.search(header):
        u = HEADER_UNIT.search(header)
        if u:
            return "TARGET", u.group(1)
    return None


# ---------------------------------------------------------------- pipe tables
def row_separator(line: str) -> str | None:
    """The cell separator of a table row: ``|`` (a pipe row), or a tab (a table copied from a spreadsheet or a
    word processor: ``1→老旧小区改造→改造小区86个→市住建局``); ``None`` for a line that is not a row."""
    if line.count("|") >= 2:
        return "|"
    if line.count("\t") >= 2 and len(line.strip().split("\t")) >= 3:
        return "\t"
    return None


def pipe_cells(line: str, offset: int = 0, sep: str = "|") -> tuple[Cell, ...]:
    """The cells of one row, split on ``sep`` (``|`` or a tab), with offsets (``offset`` = where the line starts)."""
    cells, pos = [], offset
    for part in line.split(sep):
        cells.append(Cell(pos, pos + len(part), part))
        pos += len(part) + 1
    return tuple(cells)


_SPACED_FIGURE = re.compile(r"[\d.,%％—\-]+")
_FIELD_OR_SENTENCE = re.compile(r"[:：，,。；;]")  # a line with these is a field (来源:…) or prose, not a spaced row


def spaced_row(line: str) -> bool:
    """A table row whose cells are separated by spaces (``1 盐河县 6200 6200 100 95.0``, ``合计 65300 60300``): three
    cells or more, two of them figures, none a field (``来源:…``) or a sentence, no pipe or tab (another dress)."""
    tokens = line.split()
    return (len(tokens) >= 3 and sum(bool(_SPACED_FIGURE.fullmatch(t)) for t in tokens) >= 2
            and not _FIELD_OR_SENTENCE.search(line) and "|" not in line and "\t" not in line)


def spaced_header(line: str) -> bool:
    """A header row separated by spaces (``序号 省辖市 已开工小区(个) 开工比例``): three short words or more, no field or
    sentence."""
    tokens = line.split()
    return len(tokens) >= 3 and all(len(t) <= 12 for t in tokens) and not _FIELD_OR_SENTENCE.search(line)


def reading_cells(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, value)`` of every non-empty cell of ``text`` in reading order, whatever a table's dress: a pipe
    row's cells, a row separated by spaces, or a line of its own (a table flattened one cell per line, or prose)."""
    out = []
    lines = text_lines(text)
    spaced = [spaced_row(line) for _, _, line in lines]
    for k, (s, e, line) in enumerate(lines):
        sep = row_separator(line) or ("|" if "|" in line else None)
        # A row separated by spaces, or the header row right above such rows (排名 县(市、区) 年度任务(户) …).
        if not sep and (spaced[k] or (k + 1 < len(lines) and spaced[k + 1] and spaced_header(line))):
            out += [(s + m.start(), s + m.end(), m.group()) for m in re.finditer(r"\S+", line)]
            continue
        for c in pipe_cells(line, s, sep) if sep else (Cell(s, e, line),):
            if c.value:
                lead = len(c.text) - len(c.text.lstrip())
                out.append((c.start + lead, c.start + lead + len(c.value), c.value))
    return out


def text_lines(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, line)`` for every line of ``text`` (without its newline)."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


RULE_ROW = re.compile(r"[\s|:\-—–]*")  # a Markdown rule row |---|---| between header and body


def _pipe_tables(lines: list[tuple[int, int, str]]) -> list[Table]:
    tables: list[Table] = []
    rows: list[Row] = []
    for s, e, line in lines:
        if sep := row_separator(line):
            if RULE_ROW.fullmatch(line):
                continue  # a Markdown rule |---|---| between header and body
            cells = pipe_cells(line, s, sep)
            # A header has no digit at all; the first row may have some (2024年投资(万元)), not a bare number.
            header = not any(ch.isdigit() for ch in line) or (not rows and not any(c.is_bare_number for c in cells))
            rows.append(Row(s, e, cells, header))
        elif line.strip() and rows:  # a blank line does not end a table, text does
            tables.append(Table("pipe", tuple(rows)))
            rows = []
    if rows:
        tables.append(Table("pipe", tuple(rows)))
    return tables


# ---------------------------------------------------------------- flattened tables
_HEADER_WORDS = re.compile(r"序号|项目|名称|内容|目标|任务|进度|完成|比例|投资|资金|金额|时间|时限|单位|地区|区县|县区|"
                           r"街道|乡镇|备注|责任|类别|数量|规模|情况|开工|完工|竣工")
# A short cell that names its unit in brackets (已开工(个), 投资(万元), 占比(%)) is a column header.
_UNIT_HEADER = re.compile(r"[(（][^()（）\d]{1,4}[)）]\s*$")
# The row (or cell) that totals a table: it closes a table numbered by rows and is never a place of it.
TOTAL_ROW = re.compile(r"^\s*(?:合\s*计|总\s*计|小\s*计|全省|全市|全区|全县|全州|全盟)")
_MAX_CELL = 80


_CAPTION = re.compile(r"^表\s*[\d一二三四五六七八九十]|表\s*$|表\s*[(（]")  # 表1 …, …情况表: a caption, not a cell


_ROW_NUMBER_HEADER = re.compile(r"序\s*号|编\s*号")


def _is_short_cell(line: str) -> bool:
    t = line.strip()
    return 0 < len(t) <= 12 and not _CAPTION.search(t) and not re.search(r"[。；;，,]", t)


def _is_header_cell(line: str) -> bool:
    return _is_short_cell(line) and bool(_HEADER_WORDS.search(line) or _UNIT_HEADER.search(line))


def _flat_cell(start: int, line: str) -> tuple[int, int, str] | None:
    """A flattened cell's own text: a table copied with one cell per line may keep the cell's border on either side
    (``| 5000`` or ``5000 |``), which is not part of the cell. ``None`` for a line with no text (or only a border)."""
    inner = line.strip().strip("|").strip()
    if not inner:
        return None
    s = start + line.index(inner)
    return s, s + len(inner), inner


def _flat_tables(lines: list[tuple[int, int, str]]) -> list[Table]:
    cells = [c for s, _, line in lines if line.count("|") < 2 and (c := _flat_cell(s, line))]
    tables: list[Table] = []
    i = 0
    while i < len(cells):
        j = i
        while j < len(cells) and _is_header_cell(cells[j][2]):
            j += 1
        numbered = j > i and bool(_ROW_NUMBER_HEADER.fullmatch(cells[i][2].strip()))
        if numbered:
            # A table numbered by rows: every short line up to the first row number is a header cell
            # (实施地点, 已完工(个), 满意 …, whatever their words).
            while j < len(cells) and _is_short_cell(cells[j][2]) and not cells[j][2].strip().isdigit():
                j += 1
        width = j - i
        if width < 3:
            i = max(j, i + 1)
            continue
        header = Row(cells[i][0], cells[j - 1][1], tuple(Cell(s, e, t) for s, e, t in cells[i:j]), True)
        rows = [header]
        k = j
        if numbered:
            numbered_rows, k = _numbered_rows(cells, j, width)
            rows += numbered_rows
        while k + width <= len(cells):
            group = cells[k : k + width]
            # A row's cells are short and its first cell is not prose; the table ends where that fails.
            if _has_prose(group):
                break
            if _is_header_cell(group[0][2]) and sum(_is_header_cell(t) for _, _, t in group) == width:
                break
            if numbered and not (TOTAL_ROW.match(group[0][2].strip()) or group[0][2].strip().isdigit()):
                break  # after its numbered rows (1, 2, 3 … or an excerpt: 8, 13, 21), only its total row
            rows.append(Row(group[0][0], group[-1][1], tuple(Cell(s, e, t) for s, e, t in group), False))
            k += width
        if len(rows) >= 2:
            tables.append(Table("flat", tuple(rows)))
            i = k
        else:
            i = j
    return tables


def _has_prose(group: list[tuple[int, int, str]]) -> bool:
    """A cell too long for a table, a sentence or the caption of the next table: the table has ended."""
    return any(len(t.strip()) > _MAX_CELL or t.rstrip().endswith("。") or _CAPTION.search(t.strip())
               for _, _, t in group)


def _numbered_rows(cells: list[tuple[int, int, str]], k: int, width: int) -> tuple[list[Row], int]:
    """Rows of a flattened table numbered 1, 2, 3 …: a row has the header's number of cells, or one fewer or
    one more when that is where the next row number stands (a cell lost or split in copying), so one bad row
    does not shift the rows after it. Such a row keeps the cells it has (:meth:`Tables.typed_cells` skips it:
    its columns are not known). Reading stops at the first row that is not numbered (合计 is read as usual)."""
    rows: list[Row] = []
    n = 1
    while k < len(cells) and cells[k][2].strip() == str(n):
        ends = [k + width, k + width - 1, k + width + 1]
        end = next((x for x in ends if x < len(cells) and cells[x][2].strip() == str(n + 1)), k + width)
        group = cells[k:min(end, len(cells))]
        if len(group) < width - 1 or _has_prose(group):
            break
        rows.append(Row(group[0][0], group[-1][1], tuple(Cell(s, e, t) for s, e, t in group), False))
        k, n = k + len(group), n + 1
    return rows, k


# ---------------------------------------------------------------- reader
class Tables:
    """Every table of one text, read once."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Per table (and header block): what its header says about money, worked out once for all its rows.
        self._units: dict[int, str | None] = {}
        self._merged: dict[tuple[int, int], tuple[int, str | None, int]] = {}
        # Where each looked-up position is: a TARGET asks for its column's header and its row's name cell, an AMOUNT
        # for its header and its row's money cells, each a lookup of the same position.
        self._located: dict[int, tuple[Table, int, int] | None] = {}

    @cached_property
    def tables(self) -> list[Table]:
        lines = text_lines(self.text)
        found = _pipe_tables(lines) + _flat_tables(lines)
        return sorted(found, key=lambda t: t.rows[0].start)

    def _locate(self, pos: int) -> tuple[Table, int, int] | None:
        if pos not in self._located:
            self._located[pos] = next(((t, *rc) for t in self.tables if t.rows[0].start <= pos <= t.rows[-1].end
                                       and (rc := t.cell_at(pos)) is not None), None)
        return self._located[pos]

    def header_cell(self, pos: int) -> str | None:
        """The header cell of the column holding ``pos`` (``None`` outside a table)."""
        found = self._locate(pos)
        if found is None:
            return None
        t, r, c = found
        head = t.header_for(r)
        return head.cells[c].value if head is not None and c < len(head.cells) else None

    def row_subject(self, pos: int) -> str | None:
        """The name cell of the row holding ``pos``: the first cell left of it that is not a bare number (a row's
        number, a figure); ``None`` outside a table or when there is none."""
        found = self._locate(pos)
        if found is None:
            return None
        t, r, c = found
        for cell in t.rows[r].cells[:c]:
            if cell.value and not cell.is_bare_number:
                return cell.value
        return None

    def _table_unit(self, t: Table) -> str | None:
        """The currency a line just above the table gives all its money columns (单位：万元)."""
        if id(t) not in self._units:
            before = self.text[: t.rows[0].start].rstrip().rsplit("\n", 2)[-2:]
            # On a line of its own, or closing the caption (…资金安排表（单位：万元）).
            m = next((m for line in before
                      if (m := _TABLE_UNIT.search(line.strip())) and m.end() == len(line.strip())), None)
            self._units[id(t)] = m.group(1) if m else None
        return self._units[id(t)]

    def _merged_money(self, t: Table, r: int) -> tuple[list[Cell], str | None]:
        """The bare numbers of data row ``r`` under the money column of a merged header (see
        :func:`_merged_money_columns`), with its currency unit."""
        if t.kind != "pipe":
            return [], None
        top = r
        while top > 0 and not t.rows[top - 1].header:
            top -= 1  # the first data row of this block
        if (id(t), top) not in self._merged:
            self._merged[id(t), top] = _merged_money_columns(t, top)
        parts, unit, width = self._merged[id(t), top]
        data = [c for c in t.rows[r].cells if c.value]
        # A row with a cell missing or cut short (the page ends inside it) may not be aligned on the right: only
        # rows of the usual width are read.
        if not parts or len(data) <= parts or len(data) != width:
            return [], None
        return [c for c in data[-parts:] if c.is_bare_number], unit

    def currency_unit(self, pos: int) -> str | None:
        """The currency unit (万元, 亿元, 元) named by the header of the column holding ``pos``, or by the money
        column of a merged header above it."""
        head = self.header_cell(pos)
        kind = column_kind(head) if head else None
        if kind and kind[0] == "AMOUNT":
            return kind[1]
        found = self._locate(pos)
        if found is None:
            return None
        t, r, c = found
        unit = self._table_unit(t)
        if unit and head and kind is None and _MONEY_PART.search(head):
            return unit
        cells, unit = self._merged_money(t, r)
        return unit if t.rows[r].cells[c] in cells else None

    def typed_cells(self) -> list[tuple[int, int, str]]:
        """Bare numbers in columns whose header names a currency (AMOUNT) or a planned unit (TARGET)."""
        out = []
        for t in self.tables:
            for r, row in enumerate(t.rows):
                head = t.header_for(r)
                if row.header or head is None:
                    continue
                for cell in self._merged_money(t, r)[0]:
                    s = cell.start + len(cell.text) - len(cell.text.lstrip())
                    out.append((s, s + len(cell.value), "AMOUNT"))
                if t.kind == "flat" and len(row.cells) != len(head.cells):
                    continue  # a flattened row with a cell missing or split: its columns are not known
                for c, cell in enumerate(row.cells):
                    if c == 0 or c >= len(head.cells) or not cell.is_bare_number:
                        continue
                    kind = column_kind(head.cells[c].text)
                    if kind is None and (unit := self._table_unit(t)) and _MONEY_PART.search(head.cells[c].text):
                        kind = ("AMOUNT", unit)  # 单位：万元 above the table, 总投资 | 上级资金 | 县本级
                    if kind:
                        s = cell.start + len(cell.text) - len(cell.text.lstrip())
                        out.append((s, s + len(cell.value), kind[0]))
        return out


_TABLE_UNIT = re.compile(rf"[(（]?\s*(?:金额|资金)?单位\s*[:：]\s*({CURRENCY_RE})\s*[)）]?")
# Sub-columns of a money column (完成投资(万元) over 合计 | 上级补助资金 | 农户自筹及其他).
_MONEY_PART = re.compile(r"合计|小计|总计|中央|省级|市级|县级|区级|上级|本级|补助|资金|自筹|财政|投资|其他|其它|社会|融资|配套")


def _merged_money_columns(t: Table, top: int) -> tuple[int, str | None, int]:
    """The money column of a merged header several rows deep above data row ``top`` of a pipe table: the last cell of
    a header row names the currency (完成投资(万元)), and the lowest header row whose last cells name parts of money
    (合计 | 上级补助资金 | 农户自筹及其他) gives, aligned on the right, how many columns it spans. A pipe table
    copied from a merged header keeps no spans, but its right edge stays aligned. Returns (columns, currency unit,
    the data rows' usual number of cells); no columns when the header says nothing of the kind."""
    stack = []
    k = top - 1
    while k >= 0 and t.rows[k].header:
        stack.insert(0, [c for c in t.rows[k].cells if c.value])
        k -= 1
    if len(stack) < 2:
        return 0, None, 0
    for i, cells in enumerate(stack[:-1]):
        kind = column_kind(cells[-1].value) if cells else None
        if not kind or kind[0] != "AMOUNT":
            continue
        for leaves in reversed(stack[i + 1:]):
            parts = 0
            for c in reversed(leaves):
                if (HEADER_UNIT.search(c.value) and not HEADER_CURRENCY.search(c.value)) or not _MONEY_PART.search(c.value):
                    break
                parts += 1
            if parts:
                widths = Counter(sum(bool(c.value) for c in row.cells) for row in t.rows if not row.header)
                return parts, kind[1], widths.most_common(1)[0][0]
    return 0, None, 0


def is_table_cell(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is the whole content of a cell (``| 500 |`` or a line of its own)."""
    left = max(text.rfind("|", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find("|", end), text.find("\n", end)) if i >= 0]
    right = min(right_candidates) if right_candidates else len(text)
    return not text[left + 1 : start].strip() and not text[end:right].strip()
