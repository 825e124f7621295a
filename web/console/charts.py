"""Bar charts drawn on the server as SVG (no JavaScript): each a list of rows with their
geometry; web/templates/web/console/chart.html draws it with role="img", a <title> and a <desc>,
and the page puts the table of the same numbers beside it."""

from dataclasses import dataclass

WIDTH = 520
LABEL_WIDTH = 200
VALUE_WIDTH = 110
ROW_HEIGHT = 30
BAR_HEIGHT = 18
PAD = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float | None  # None: not shown (a suppressed cell)
    text: str  # the value as the table writes it
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 4

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    bars: list[Bar]

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        return PAD * 2 + ROW_HEIGHT * max(len(self.bars), 1)

    @property
    def label_width(self) -> int:
        return LABEL_WIDTH - 8

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH


def bar_chart(key: str, title: str, rows: list[tuple[str, int | float | None, str]]) -> Chart:
    """Horizontal bars, one per (label, value, text), scaled to the largest value."""
    largest = max((value for _label, value, _text in rows if value), default=0)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label=label,
            value=value,
            text=text,
            y=PAD + i * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2,
            width=round(span * value / largest) if value and largest else 0,
        )
        for i, (label, value, text) in enumerate(rows)
    ]
    description = "; ".join(f"{label}: {text}" for label, _value, text in rows)
    return Chart(key=key, title=title, description=description, bars=bars)
