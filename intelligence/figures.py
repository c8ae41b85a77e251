"""Casualty figures in a sentence: which numbers count the killed, the
injured or the missing, of whom, and with what bounds.

A number is a casualty figure when it counts people and a casualty word
governs it: the word right before it ("killing 12", "death toll rose to 45",
"炸死3名平民") or the first one after it ("27 people were killed", "27人死亡",
and across a clause, as in "至少有6人（…）在两起不同的事件中，因…地雷爆炸而丧生").
A word right after the number wins over one before it ("27死200伤").
"Casualties", 伤亡 and 死伤 lump the killed and the injured together and give
no figure. Numbers that count no people are left out: dates, years, ages,
distances, durations, money, percentages, ordinals, and counts of things;
a count of troops with no casualty word ("2,000 peacekeepers") is a troop
strength, not a toll.

A breakdown in brackets or after "including"/其中 ("at least 6 (4 soldiers
and 2 civilians) killed") gives a figure per part with the whole's category;
a part takes the whole's qualifier unless it has its own ("at least 6, 4 of
them soldiers" gives "at least 4 soldiers").
"""

import bisect
import re
from dataclasses import asdict, dataclass

from claims.choices import BoundQualifier, CasualtyCategory, Population

from .numbers import NumberMention, find_numbers, fold


@dataclass(frozen=True)
class FigureCandidate:
    """A casualty figure as ``CasualtyFigure`` stores it."""

    category: str
    population: str
    qualifier: str
    low: int | None
    high: int | None

    def as_fields(self) -> dict:
        return {key: str(value) if isinstance(value, str) else value for key, value in asdict(self).items()}


_CASUALTY_WORDS = {
    "en": [
        (None, r"casualt(?:y|ies)|killed\s+or\s+(?:injured|wounded)|dead\s+or\s+(?:injured|wounded)"),
        (
            CasualtyCategory.KILLED,
            r"death\s+toll|toll|killed|killing|kills?|dead|deaths?|died|dies|die|fatalit(?:y|ies)|lost\s+their\s+lives"
            r"|perished|slain|massacred|executed|lives\s+lost",
        ),
        (CasualtyCategory.INJURED, r"injur(?:ed|ing|ies|y)|wound(?:ed|ing|s)?|hurt|maimed"),
        (CasualtyCategory.MISSING, r"missing|unaccounted\s+for|disappeared"),
    ],
    "zh": [
        (None, r"伤亡|死伤"),
        (
            CasualtyCategory.KILLED,
            r"死亡人数|死亡|丧生|遇难|身亡|罹难|阵亡|丧命|殒命|遇害|被杀|打死|炸死|击毙|杀死|杀害|致死|死者|死",
        ),
        (CasualtyCategory.INJURED, r"受伤|负伤|伤者|伤员|炸伤|打伤|击伤|受重伤|受轻伤|伤"),
        (CasualtyCategory.MISSING, r"失踪|下落不明"),
    ],
}
_CASUALTY_PATTERNS = {
    language: re.compile(
        "|".join(
            rf"(?P<k{index}>\b(?:{words})\b)" if language == "en" else f"(?P<k{index}>{words})"
            for index, (_, words) in enumerate(rules)
        ),
        re.IGNORECASE,
    )
    for language, rules in _CASUALTY_WORDS.items()
}

_MILITARY = {
    "en": r"soldiers?|troops|servicem[ae]n|service\s*members|military\s+personnel|fighters|militants|combatants"
    r"|peacekeepers|marines|paratroopers|conscripts|rebels|guerrillas|border\s+guards|members\s+of\s+the\s+armed\s+forces"
    r"|militiamen|mercenaries",
    "zh": r"士兵|军人|官兵|战士|军事人员|维和人员|维和士兵|武装人员|武装分子|战斗人员|雇佣兵|军官|民兵|叛军"
    r"|边防人员|部队",
}
_CIVILIANS = {
    "en": r"civilians?|residents|villagers|children|women|passengers|aid\s+workers|journalists|medics|doctors|nurses"
    r"|students|worshippers|refugees|farmers|shoppers|pedestrians|bystanders|minors|infants|babies|non-combatants"
    r"|family\s+members|relatives",
    "zh": r"平民|居民|村民|儿童|妇女|孩子|学生|记者|医护人员|医务人员|难民|百姓|乘客|救援人员|志愿者|未成年人",
}
_POPULATION_PATTERNS = {
    language: [
        (
            Population.MILITARY,
            re.compile(rf"\b(?:{_MILITARY[language]})\b" if language == "en" else _MILITARY[language], re.I),
        ),
        (
            Population.CIVILIANS,
            re.compile(rf"\b(?:{_CIVILIANS[language]})\b" if language == "en" else _CIVILIANS[language], re.I),
        ),
    ]
    for language in ("en", "zh")
}
# "civilian death toll", "平民死亡人数": the population written before the casualty word.
_POPULATION_BEFORE_WORD = {
    "en": [
        (Population.MILITARY, re.compile(r"\b(?:military|soldiers'?|troops'?)\s+$", re.I)),
        (Population.CIVILIANS, re.compile(r"\bcivilian\s+$", re.I)),
    ],
    "zh": [(Population.MILITARY, re.compile(r"(?:士兵|军人|军方)$")), (Population.CIVILIANS, re.compile(r"平民$"))],
}

_GENERIC_PEOPLE = re.compile(
    r"\b(?:people|persons|others|individuals|members|men|boys|girls|officers|policemen|workers|staff|guards"
    r"|employees|pilgrims|migrants|protesters|demonstrators|crew|personnel|[A-Z][a-z]+(?:ians|ans|is|ese))\b"
)
# Words that may stand between a number and the casualty word after it when no person is named: "27 were killed",
# "45 are feared dead", "12 are believed to have died", "dozens of them wounded".
_LINKING_WORDS = re.compile(
    r"^(?:\s|were|was|are|is|have|has|had|been|being|be|reportedly|also|later|confirmed|feared|believed|thought"
    r"|to|left|now|still|in|total|so|far|of|them|whom|who|may|might|could|all|more|those|were|remain|remained)*$",
    re.I,
)
# What may stand between a casualty word and the number it governs: "killing at least 27", "the death toll rose to
# 45", "炸死了3名", "死亡人数已升至45人".
_GOVERNING_GAP = {
    "en": re.compile(
        r"^(?:\s|at|least|more|than|over|up|to|as|many|about|around|approximately|some|nearly|almost|an|estimated"
        r"|no|fewer|rose|risen|climbed|reached|stood|stands|jumped|increased|has|had|have|is|was|now|the|a|total"
        r"|of|hit|topped|passed|exceeded|surpassed|reportedly|another|further|at\s+least)*$",
        re.I,
    ),
    "zh": re.compile(
        r"^(?:\s|了|已|已经|上升|升|增|增加|达到|达|至|到|为|是|共|约|至少|超过|逾|近|有|多达|高达|最多|不超过|攀升)*$"
    ),
}
# "The death toll from Saturday's strike on the market rose to 45": a toll governs the number its verb reaches.
_TOLL_WORD = re.compile(r"(?:death\s+)?toll", re.I)
# "bringing its toll in the ground operation to 160"; "阵亡的士兵人数升至160人".
_TOLL_GAP = {
    "en": re.compile(
        r"^[^\d,;.]{0,60}?\b(?:(?:rose|risen|rises|climbed|climbs|reached|reaches|stood|stands|jumped|increased|hit|is"
        r"|was|topped|passed)(?:\s+(?:to|at))?|to|at)\s+(?:more\s+than\s+|at\s+least\s+|over\s+|nearly\s+|about\s+)?$",
        re.I,
    ),
    "zh": re.compile(r"^的?[^，。；\d]{0,8}?人数[^，。；\d]{0,6}?(?:至|到|为|达)$"),
}
# A casualty word that is denied gives no figure: "caused no deaths", "没有造成人员死亡".
_NEGATED = {
    "en": re.compile(r"\b(?:no|not|without)\s+(?:any\s+)?$", re.I),
    "zh": re.compile(r"(?:没有|没|无|未|并未)(?:造成)?(?:任何)?(?:人员)?$"),
}
# Not counts of people, read right after the number (English).
_NOT_PEOPLE_AFTER_EN = re.compile(
    r"^(?:\s*-?\s*years?\b|-year|\s*(?:km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|%|percent|per\s+cent|hours?|days?"
    r"|weeks?|months?|minutes?|seconds?|dollars?|euros?|pounds?|rubles?|roubles?|hryvnias?|tonnes?|tons?|a\.m|p\.m"
    r"|am|pm|o'clock|gmt|times|rockets?|missiles?|drones?|shells?|tanks?|villages?|homes?|houses?|buildings?|jets?"
    r"|aircraft|vehicles?|trucks?|st|nd|rd|th|january|february|march|april|may|june|july|august|september|october"
    r"|november|december|jan|feb|aug|sept?|oct|nov|dec|bn|billion|trucks|attacks?|strikes?|incidents?|districts?"
    r"|towns?|kilograms?|kg|mm|degrees?|hectares?)\b|\s*%|:\d)",
    re.I,
)
_NOT_PEOPLE_BEFORE_EN = re.compile(
    r"(?:[$€£¥₴₽]|US\$|\bno\.|\bnumber|\baged?|\bresolution|\barticle|\bpage|\bjanuary|\bfebruary|\bmarch|\bapril"
    r"|\bmay|\bjune|\bjuly|\baugust|\bseptember|\boctober|\bnovember|\bdecember|\bjan\.?|\bfeb\.?|\baug\.?|\bsept?\.?"
    r"|\boct\.?|\bnov\.?|\bdec\.?|\bin|\bsince|\bby|\buntil|\bof\s+the|\bno|:)\s*$",
    re.I,
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# A Chinese count of people is followed by a classifier for people, or directly by 死/伤 ("3死5伤").
_PEOPLE_AFTER_ZH = re.compile(r"^(?:多|余|几)?(?:人|名|位|个人|死|伤)")
_ORDINAL_BEFORE_ZH = re.compile(r"第$")

_PAREN_AFTER = re.compile(r"^[^()（）\d，,。]{0,8}?[（(]")
_INCLUDING_BEFORE = re.compile(
    r"(?:including|among\s+them|among\s+whom|of\s+whom|among\s+the\s+dead\s+were|其中包括|其中有|其中|包括)"
    r"\s*(?:at\s+least\s+|more\s+than\s+|至少)?$",
    re.I,
)
_SIBLING_GAP = re.compile(r"^[^\d;；。()（）]{0,20}?(?:,?\s+and\s+|,\s*|和|与|及|、|，)$", re.I)
_BREAK_WORDS = re.compile(r"[,;，；、]|\band\b|\bwhile\b|\bbut\b|和|而")
_MAX_GAP = {"en": 70, "zh": 45}


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    category: str | None


def _casualty_words(text: str, language: str) -> list[_Word]:
    categories = [category for category, _ in _CASUALTY_WORDS[language]]
    words = []
    for match in _CASUALTY_PATTERNS[language].finditer(text):
        category = categories[int(match.lastgroup[1:])]
        if _NEGATED[language].search(text[max(0, match.start() - 16) : match.start()]):
            category = None
        words.append(_Word(match.start(), match.end(), category))
    return words


def _counts_people(text: str, mention: NumberMention, language: str) -> bool:
    """Whether ``mention`` can be a count of people, from the words around it."""
    after = text[mention.end : mention.end + 24]
    before = text[max(0, mention.start - 16) : mention.start]
    if language == "zh":
        return bool(_PEOPLE_AFTER_ZH.match(after)) and not _ORDINAL_BEFORE_ZH.search(before)
    if _NOT_PEOPLE_AFTER_EN.match(after) or _NOT_PEOPLE_BEFORE_EN.search(before):
        return False
    return not (mention.high is None and _YEAR.match(text[mention.start : mention.end]))


def _breakdowns(text: str, mentions: list[NumberMention]) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    """Which mentions are parts of another (index of part → index of whole),
    and the bracket after each whole that has one (index → span)."""
    parent_of: dict[int, int] = {}
    brackets: dict[int, tuple[int, int]] = {}
    for index, mention in enumerate(mentions):
        if index in parent_of:
            continue
        opening = _PAREN_AFTER.match(text[mention.end :])
        if opening:
            start = mention.end + opening.end()
            close = min((p for p in (text.find(")", start), text.find("）", start)) if p >= 0), default=len(text))
            brackets[index] = (mention.end, close + 1)
            for inner in range(index + 1, len(mentions)):
                if mentions[inner].start >= close:
                    break
                if mentions[inner].start >= start:
                    parent_of[inner] = index
            continue
        if index == 0:
            continue
        if _INCLUDING_BEFORE.search(text[max(0, mention.start - 30) : mention.start]):
            whole = max((i for i in range(index) if i not in parent_of), default=None)
            if whole is not None:
                parent_of[index] = whole
        elif index - 1 in parent_of and _SIBLING_GAP.match(text[mentions[index - 1].end : mention.start]):
            parent_of[index] = parent_of[index - 1]
    return parent_of, brackets


def _gap_text(text: str, start: int, end: int, bracket: tuple[int, int] | None) -> str:
    if bracket and start <= bracket[0] and bracket[1] <= end:
        return text[start : bracket[0]] + text[bracket[1] : end]
    return text[start:end]


def _governing_word(text, index, mentions, counted, words, parent_of, brackets, language) -> _Word | None:
    """The casualty word that governs the whole ``mentions[index]``, if any;
    ``counted[i]`` says whether ``mentions[i]`` counts people."""
    mention = mentions[index]
    bracket = brackets.get(index)
    following = None
    for word in words[bisect.bisect_left([w.start for w in words], mention.end) :]:
        if bracket and bracket[0] <= word.start < bracket[1]:
            continue
        # Only other counts of people stand in the way: "两起不同的事件" (two incidents) does not.
        blockers = []
        for other_index in range(index + 1, len(mentions)):
            if mentions[other_index].start >= word.start:
                break
            if counted[other_index] and parent_of.get(other_index) != index:
                blockers.append(mentions[other_index])
        if blockers and not _coordinated(text, mention, blockers):
            break
        gap = _gap_text(text, mention.end, word.start, bracket)
        if len(gap) > _MAX_GAP[language] or ";" in gap or "；" in gap:
            break
        if language == "en" and not (
            _GENERIC_PEOPLE.search(gap) or _LINKING_WORDS.match(gap) or _names_population(gap, language)
        ):
            break
        following = word
        break
    if following is not None:
        gap = _gap_text(text, mention.end, following.start, bracket)
        if len(gap) <= 30 and not _BREAK_WORDS.search(gap):
            return following
    preceding = None
    for word in reversed(words):
        if word.end > mention.start:
            continue
        gap = text[word.end : mention.start]
        if _GOVERNING_GAP[language].match(gap) or (
            (language == "zh" or _TOLL_WORD.match(text, word.start)) and _TOLL_GAP[language].match(gap)
        ):
            preceding = word
        break
    return preceding or following


def _coordinated(text: str, mention: NumberMention, blockers: list[NumberMention]) -> bool:
    """Whether the counts between ``mention`` and a casualty word are listed
    with it ("60 soldiers and 14 civilians were killed"), so the word governs
    them all."""
    previous = mention
    for blocker in blockers:
        if not _SIBLING_GAP.match(text[previous.end : blocker.start]):
            return False
        previous = blocker
    return True


def _names_population(text: str, language: str) -> str | None:
    for population, pattern in _POPULATION_PATTERNS[language]:
        if pattern.search(text):
            return population
    return None


def _population(text: str, mention: NumberMention, word: _Word | None, language: str) -> str:
    """Who ``mention`` counts: the people named right after it, or before its casualty word."""
    end = mention.end + (40 if language == "en" else 10)
    if word is not None and word.start >= mention.end:
        end = min(end, word.start)
    window = re.split(r"[,;()（），；、]", text[mention.end : end], maxsplit=1)[0]
    named = _names_population(window, language)
    if named:
        return named
    if word is not None and word.end <= mention.start:
        named = _names_population(text[word.end : mention.start], language)  # "阵亡的士兵人数升至160人"
        if named:
            return named
        for population, pattern in _POPULATION_BEFORE_WORD[language]:
            if pattern.search(text[max(0, word.start - 16) : word.start]):
                return population
    return Population.ALL


def _figure(mention: NumberMention, category: str, population: str, qualifier: str) -> FigureCandidate:
    if qualifier == BoundQualifier.UP_TO:
        return FigureCandidate(category, population, qualifier, None, mention.high or mention.low)
    if qualifier == BoundQualifier.AT_LEAST:
        return FigureCandidate(category, population, qualifier, mention.low, None)
    return FigureCandidate(category, population, qualifier, mention.low, mention.high)


def find_figures(sentence: str, language: str) -> list[FigureCandidate]:
    """The casualty figures ``sentence`` states, in the order it states them."""
    text = fold(sentence)
    mentions = find_numbers(text, language)
    if not mentions:
        return []
    words = _casualty_words(text, language)
    parent_of, brackets = _breakdowns(text, mentions)
    counted = [_counts_people(text, mention, language) for mention in mentions]
    governing: dict[int, _Word] = {}
    populations: dict[int, str] = {}
    figures = []
    for index, mention in enumerate(mentions):
        if index in parent_of:
            whole = parent_of[index]
            word = governing.get(whole)
            if word is None or word.category is None or not counted[index]:
                continue
            own = mention.qualifier
            qualifier = own if own != BoundQualifier.EXACT else mentions[whole].qualifier
            population = _population(text, mention, None, language)
            if population == populations.get(whole):
                continue  # "31人受伤，其中三人伤势严重": a part of the same people, not another count
            figures.append(_figure(mention, word.category, population, qualifier))
            continue
        if not counted[index]:
            continue
        word = _governing_word(text, index, mentions, counted, words, parent_of, brackets, language)
        listed_after = (
            index - 1 in governing
            and _SIBLING_GAP.match(text[mentions[index - 1].end : mention.start])
            and not any(mentions[index - 1].end <= w.start < mention.start for w in words)
        )
        if word is None and listed_after:
            word = governing[index - 1]  # "killed at least 20 fighters and 5 soldiers"
        if word is None:
            continue
        governing[index] = word
        if word.category is None:
            continue
        population = _population(text, mention, word, language)
        populations[index] = population
        figures.append(_figure(mention, word.category, population, mention.qualifier))
    return figures


def people_counts(sentence: str, language: str) -> list[int]:
    """The counts of people ``sentence`` gives that are no casualty figure
    (``12万人``, "120,000 people"), for statistics such as a population."""
    text = fold(sentence)
    mentions = find_numbers(text, language)
    counted = {(figure.low, figure.high) for figure in find_figures(sentence, language)}
    counts = []
    for mention in mentions:
        after = text[mention.end : mention.end + 40]
        if not _counts_people(text, mention, language) or (mention.low, mention.high) in counted:
            continue
        if language == "en" and not (_GENERIC_PEOPLE.search(after[:30]) or _names_population(after[:30], language)):
            continue
        counts.append(mention.low)
    return counts
