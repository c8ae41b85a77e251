"""The one table that turns vague counts into figures.

ACLED's codebook (the "Fatalities" section) codes a report of "dozens" of
deaths as 12 and "hundreds" as 100: one unit of the word the report uses, a
floor rather than a guess. The tracker applies the same rule to every vague
count, and records the figure as "at least" that floor. Chinese outlets write
"dozens" as 数十 or 几十 and "hundreds" as 数百, 几百 or 上百, and translators
render them back the same way, so each Chinese word takes the figure of the
English word it stands for: a story and its translation then give the same
figure, and the duplicate and contradiction checks can compare them.
"""

VAGUE_COUNTS: dict[str, int] = {
    # English
    "dozens": 12,
    "scores": 20,
    "hundreds": 100,
    "thousands": 1_000,
    "tens of thousands": 10_000,
    "hundreds of thousands": 100_000,
    # Chinese: "dozens"
    "数十": 12,
    "几十": 12,
    # "hundreds"
    "数百": 100,
    "几百": 100,
    "上百": 100,
    # "thousands"
    "数千": 1_000,
    "几千": 1_000,
    "上千": 1_000,
    # "tens of thousands"
    "数万": 10_000,
    "几万": 10_000,
    "上万": 10_000,
    # "hundreds of thousands"
    "数十万": 100_000,
    "几十万": 100_000,
}
