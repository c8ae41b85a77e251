"""The competing-figures chart of an event page, computed here so that the
template only draws: one horizontal bar per stated figure, from its low to
its high bound, ordered by when it was reported, labelled by claimant."""

from dataclasses import dataclass

from .choices import BoundQualifier, CasualtyCategory

CHART_WIDTH = 600
LABEL_WIDTH = 270
ROW_HEIGHT = 28


@dataclass(frozen=True)
class Bar:
    label: str
    reported: object
    text: str
    x: float
    width: float
    y: int
    open_ended: bool

    @property
    def end(self) -> float:
        return self.x + self.width


@dataclass(frozen=True)
class Chart:
    category: str
    bars: list
    height: int
    maximum: int
    label_width: int = LABEL_WIDTH
    width: int = CHART_WIDTH


def casualty_chart(figures) -> list[Chart]:
    """One chart per casualty category of ``figures`` (``(claim, figure)``
    pairs), counting everyone where a claim also splits by population."""
    charts = []
    for category, category_label in CasualtyCategory.choices:
        rows = [(claim, figure) for claim, figure in figures if figure.category == category]
        if not rows:
            continue
        rows.sort(key=lambda row: (row[1].as_of or row[0].stated_on or row[0].created_at.date(), row[0].pk))
        maximum = max((figure.high or figure.low or 0) for _claim, figure in rows) or 1
        scale = (CHART_WIDTH - LABEL_WIDTH - 60) / maximum
        bars = []
        for index, (claim, figure) in enumerate(rows):
            low = figure.low or 0
            high = figure.high if figure.high is not None else low
            reported = figure.as_of or claim.stated_on
            claimant = claim.claimant.name if claim.claimant else "?"
            bars.append(
                Bar(
                    label=f"{claimant} · {figure.get_population_display()}",
                    reported=reported,
                    text=figure.display_range,
                    x=LABEL_WIDTH + low * scale if figure.qualifier == BoundQualifier.UP_TO else LABEL_WIDTH,
                    width=max(2.0, (high if figure.qualifier != BoundQualifier.UP_TO else high - low) * scale),
                    y=index * ROW_HEIGHT,
                    open_ended=figure.qualifier == BoundQualifier.AT_LEAST,
                )
            )
        charts.append(Chart(category=category_label, bars=bars, height=len(bars) * ROW_HEIGHT, maximum=maximum))
    return charts
