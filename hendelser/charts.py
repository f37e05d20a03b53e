"""Bar charts as server-rendered SVG: no script, nothing fetched, and the CSP stays strict.

Each chart stands beside a table with the same numbers, which is what screen readers use.
"""

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 280
BAR_HEIGHT = 20
GAP = 8
VALUE_SPACE = 48


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float
    approx: bool  # rounded: part of it comes from units beyond the user's own
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 5

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(items: list[tuple[str, int | float, bool]]) -> Chart:
    """Bars for (label, value, rounded) items."""
    largest = max([value for _label, value, _approx in items if value] or [1])
    room = WIDTH - LABEL_WIDTH - VALUE_SPACE
    bars = [
        Bar(label=label, value=value, approx=approx, y=index * (BAR_HEIGHT + GAP),
            width=round(room * value / largest) if value else 0)
        for index, (label, value, approx) in enumerate(items)
    ]
    return Chart(bars=bars, height=max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT))
