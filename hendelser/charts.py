"""Bar charts in HTML, each bar a small server-rendered SVG: no script, no inline style, the CSP stays strict.

The labels and values are the page's own text, so they keep the body text's size at any width (an SVG that
scales its text to fit shrinks it below readable on a phone). Each chart stands beside a table with the same
numbers, which is what screen readers use.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float
    approx: bool  # rounded: part of it comes from units beyond the user's own
    length: int  # per cent of the longest bar; at least 1 for a value above zero, so it shows


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]


def bar_chart(items: list[tuple[str, int | float, bool]]) -> Chart:
    """Bars for (label, value, rounded) items."""
    largest = max([value for _label, value, _approx in items if value] or [1])
    return Chart(bars=[
        Bar(label=label, value=value, approx=approx, length=max(1, round(100 * value / largest)) if value else 0)
        for label, value, approx in items
    ])
