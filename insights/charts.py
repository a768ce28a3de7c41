"""Server-drawn SVG charts of a figure: horizontal bars, and the weekday-by-hour heat map. No JavaScript.

The templates draw what these functions measure out. Colours keep WCAG 2.1 contrast: bars 3:1 or more against white
(non-text contrast), text 4.5:1 or more against what it stands on. The heat map never relies on colour alone: every
cell carries its class number (1 to 5, explained in the legend) and a <title> with its count, and the table under
every chart holds the numbers.
"""

from dataclasses import dataclass
from decimal import Decimal

from .cells import display
from .figures import Figure

WIDTH = 760
LABEL_WIDTH = 270  # room for the row labels left of the bars
VALUE_WIDTH = 110  # room for the value right of the longest bar
BAR_HEIGHT, BAR_GAP = 22, 8
BAR_COLOUR = "#1F5A82"  # 7.3:1 against white

# Heat map classes, lightest to darkest, each with a text colour of 4.5:1 or more on it.
HEAT_CLASSES = [("#DCEBF5", "#111111"), ("#A9CCE3", "#111111"), ("#5B9BC8", "#111111"), ("#25648F", "#FFFFFF"),
                ("#0E3A5C", "#FFFFFF")]
CELL = 24
HEAT_LABEL_WIDTH = 100
HEAT_TOP = 22  # room for the hour labels


@dataclass(frozen=True)
class Bar:
    y: int
    text_y: int
    label: str
    width: int
    value: str

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    column_label: str
    bars: list[Bar]
    label_width: int = LABEL_WIDTH
    label_x: int = LABEL_WIDTH - 8
    bar_height: int = BAR_HEIGHT
    colour: str = BAR_COLOUR


def bar_chart(figure: Figure) -> BarChart | None:
    """Bars of the figure's chart column; None when no row has a value to draw."""
    column = figure.columns[figure.chart_column]
    values = [row[figure.chart_column] for row in figure.rows]
    known = [Decimal(value) for value in values if value is not None]
    if not known or max(known) <= 0:
        return None
    largest = max(known)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (row, value) in enumerate(zip(figure.rows, values, strict=True)):
        y = index * (BAR_HEIGHT + BAR_GAP)
        width = 0 if value is None else max(1 if value else 0, int(room * Decimal(value) / largest))
        bars.append(Bar(y=y, text_y=y + BAR_HEIGHT // 2 + 5, label=_shorten(str(row[0])), width=width,
                        value=display(value, column.kind)))
    return BarChart(width=WIDTH, height=len(bars) * (BAR_HEIGHT + BAR_GAP), column_label=str(column.label), bars=bars)


def _shorten(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    fill: str
    text_fill: str
    level: int  # 0 for none, else 1..5
    title: str

    @property
    def text_x(self) -> int:
        return self.x + CELL // 2

    @property
    def text_y(self) -> int:
        return self.y + CELL // 2 + 4


@dataclass(frozen=True)
class HeatLegend:
    level: int
    fill: str
    text_fill: str
    text: str


@dataclass(frozen=True)
class HeatMap:
    width: int
    height: int
    label_width: int
    top: int
    cell: int
    rows: list[tuple[int, str]]  # (text y, weekday label)
    hours: list[tuple[int, str]]  # (text x, hour label)
    cells: list[HeatCell]
    legend: list[HeatLegend]
    label_x: int = HEAT_LABEL_WIDTH - 8


def _level(value: int, largest: int) -> int:
    """1..5 by fifths of the largest cell; 0 for none."""
    if not value:
        return 0
    return min(5, 1 + (5 * (value - 1)) // largest)


def heat_map(figure: Figure) -> HeatMap | None:
    """The heat_map figure's 7 x 24 counts as cells; None when there is no session."""
    matrix = [row[1:25] for row in figure.rows]
    largest = max((value for row in matrix for value in row), default=0)
    if not largest:
        return None
    cells = []
    for day, (row, counts) in enumerate(zip(figure.rows, matrix, strict=True)):
        for hour, value in enumerate(counts):
            level = _level(value, largest)
            fill, text_fill = HEAT_CLASSES[level - 1] if level else ("#FFFFFF", "#111111")
            cells.append(HeatCell(x=HEAT_LABEL_WIDTH + hour * CELL, y=HEAT_TOP + day * CELL, fill=fill,
                                  text_fill=text_fill, level=level,
                                  title=f"{row[0]} {hour:02d}:00: {display(value, 'count')}"))
    legend = []
    for level, (fill, text_fill) in enumerate(HEAT_CLASSES, start=1):
        # The counts v with _level(v) == level: (level - 1) * largest <= 5 * (v - 1) < level * largest.
        low, high = -(-(level - 1) * largest // 5) + 1, -(-level * largest // 5)
        if low <= high:  # with a small largest count some classes stay empty
            legend.append(HeatLegend(level, fill, text_fill, f"{display(low, 'count')}–{display(high, 'count')}"))
    return HeatMap(
        width=HEAT_LABEL_WIDTH + 24 * CELL + 8, height=HEAT_TOP + 7 * CELL + 4, label_width=HEAT_LABEL_WIDTH,
        top=HEAT_TOP, cell=CELL, rows=[(HEAT_TOP + day * CELL + 16, str(row[0])) for day, row in enumerate(figure.rows)],
        hours=[(HEAT_LABEL_WIDTH + hour * CELL + CELL // 2, f"{hour:02d}") for hour in range(0, 24, 2)],
        cells=cells, legend=legend)


def chart_for(figure: Figure):
    if figure.chart == "heat":
        return heat_map(figure)
    if figure.chart == "bars":
        return bar_chart(figure)
    return None
