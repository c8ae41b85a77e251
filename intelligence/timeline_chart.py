"""The chart over time of one reconciled group: one line per party through
its dated reports, computed here so that the template only draws an SVG
(no script, no inline style: each party's colour is a class of the site's
stylesheet)."""

from dataclasses import dataclass

from .reconciliation import Reconciliation

WIDTH = 600
HEIGHT = 240
LEFT = 48
RIGHT = 16
TOP = 12
BOTTOM = 36
SERIES_CLASSES = 6


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    text: str
    title: str


@dataclass(frozen=True)
class Line:
    party: str
    series: int
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class TimelineChart:
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM
    right: int = WIDTH - RIGHT


def timeline_chart(reconciliation: Reconciliation) -> TimelineChart | None:
    """The chart of ``reconciliation``'s dated reports, or ``None`` when
    fewer than two dates make no time axis."""
    dated = [report for report in reconciliation.reports if report.as_of is not None]
    dates = sorted({report.as_of for report in dated})
    if len(dates) < 2:
        return None
    first, last = dates[0], dates[-1]
    days = (last - first).days
    top_value = max(report.value for report in dated) or 1
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day):
        return LEFT + plot_width * (day - first).days / days

    def y_of(value):
        return TOP + plot_height * (1 - value / top_value)

    lines = []
    for index, (party, reports) in enumerate(reconciliation.by_party()):
        points = [
            Point(
                x=x_of(report.as_of),
                y=y_of(report.value),
                text=report.display,
                title=f"{party or '?'}: {report.display} ({report.as_of:%Y-%m-%d})",
            )
            for report in reports
            if report.as_of is not None
        ]
        if points:
            lines.append(Line(party=party, series=index % SERIES_CLASSES, points=points))
    x_ticks = [Tick(position=x_of(day), text=f"{day:%Y-%m-%d}") for day in (first, last)]
    if days > 1:
        middle = dates[len(dates) // 2]
        if middle not in (first, last):
            x_ticks.insert(1, Tick(position=x_of(middle), text=f"{middle:%Y-%m-%d}"))
    y_ticks = [Tick(position=y_of(value), text=str(value)) for value in sorted({0, top_value // 2, top_value})]
    return TimelineChart(lines=lines, x_ticks=x_ticks, y_ticks=y_ticks)
