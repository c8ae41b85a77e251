"""Troop-presence statements: a force said to be, or not to be, at a place.

Read from the phrases of wire copy: "X troops are (not) present / deployed /
stationed in P", "there are no X troops in P", "X forces have entered /
withdrawn from P"; "X部队(并)没有出现在P", "X部队进驻了P", "X军队已撤出P".
A force someone sets out to expel from a place ("an operation to expel X
forces from P", "在P驱逐X部队", "将X军队赶出P") is said, by that, to be there:
it is how a party that attacks states the other's presence.
A count before the force ("2,000 Russian peacekeepers") is its strength, not
part of its name, and never a casualty figure. A force written as 其 ("its")
is the claimant's: "亚美尼亚方面表示，其武装部队并没有出现在纳卡地区" is about
亚美尼亚武装部队.
"""

import re
from dataclasses import asdict, dataclass

from claims.choices import Presence


@dataclass(frozen=True)
class PresenceCandidate:
    force: str
    place: str
    presence: str

    def as_fields(self) -> dict:
        return {key: str(value) for key, value in asdict(self).items()}


_EN_MODIFIER = (
    r"(?:the|its|their|his|her|regular|foreign|government|rebel|special|allied|enemy|ground|peacekeeping|armed|elite"
    r"|national|border|(?!No\b)[A-Z][\w'’.-]*|[\d,]+)"
)
_EN_FORCE = (
    rf"(?P<force>(?:{_EN_MODIFIER}\s+){{0,4}}(?:armed\s+forces|troops|forces|army|soldiers|peacekeepers|units"
    r"|military|fighters|mercenaries|servicemen|contingent|battalions?|brigades?))"
)
# "the village of Parukh" is Parukh; "Transnistria's buffer zone" keeps its zone.
_EN_PLACE = (
    r"(?:the\s+(?:village|town|city|region|district|province)\s+of\s+)?"
    r"(?P<place>(?:the\s+)?[A-Z][\w-]*(?:\s+(?:[A-Z][\w-]*|of|al|el))*(?:['’]s(?:\s+[a-z]+)?\s+(?:zone|area|region"
    r"|border|corridor|side))?|the\s+(?:region|area|town|city|zone|enclave|territory|border\s+area|country))"
)
_EN_RULES = [
    (
        Presence.ABSENT,
        rf"{_EN_FORCE}\s+(?:are|is|were|was|remain|have\s+been)\s+(?:not|no\s+longer)\s+(?:present|deployed|stationed"
        rf"|based)\s+(?:in|on|at)\s+{_EN_PLACE}",
    ),
    (
        Presence.ABSENT,
        rf"\b(?i:there)\s+(?:are|were|is)\s+no\s+{_EN_FORCE}\s+(?:present\s+)?(?:in|on|at)\s+{_EN_PLACE}",
    ),
    (
        Presence.ABSENT,
        rf"\b(?i:no)\s+{_EN_FORCE}\s+(?:are|is|were|was)\s+(?:present|deployed|stationed|based)\s+(?:in|on|at)"
        rf"\s+{_EN_PLACE}",
    ),
    (
        Presence.ABSENT,
        rf"{_EN_FORCE}\s+(?:have\s+|has\s+|had\s+)?(?:withdrawn|pulled\s+out|left|retreated)\s+(?:from\s+|of\s+)?{_EN_PLACE}",
    ),
    (
        Presence.PRESENT,
        rf"{_EN_FORCE}\s+(?:are|is|were|was|remain|remained|have\s+been|had\s+been)\s+(?:still\s+)?(?:present"
        rf"|deployed|stationed|based)\s+(?:in|on|at)\s+{_EN_PLACE}",
    ),
    (
        Presence.PRESENT,
        rf"{_EN_FORCE}\s+(?:have\s+|has\s+|had\s+)?(?:entered|moved\s+into|arrived\s+in|crossed\s+into|deployed\s+(?:in|to)"
        rf"|been\s+deployed\s+(?:in|to))\s+{_EN_PLACE}",
    ),
    (
        Presence.PRESENT,
        rf"\b(?:expel(?:s|led|ling)?|oust(?:s|ed|ing)?|drive|drives|driving|drove|push(?:es|ed|ing)?)\s+{_EN_FORCE}"
        rf"\s+(?:out\s+of|from)\s+{_EN_PLACE}",
    ),
]

_ZH_FORCE = r"(?P<force>[\u4e00-\u9fff·]{0,10}?(?:武装部队|维和部队|维和人员|部队|军队|军人|士兵|武装力量|武装人员|军))"
_ZH_PLACE = (
    r"(?P<place>该地区|该国|当地|[\u4e00-\u9fff·-]{1,12}?(?:地区|州|省|市|镇|村|走廊|边境|境内|一带|半岛|高地)"
    r"|[\u4e00-\u9fff·-]{2,8}?(?=[，。；]|$))"
)
# A place named before its verb ("纳卡地区没有亚美尼亚军队"), starting its clause.
_ZH_PLACE_FIRST = (
    r"(?:^|(?<=[，。；：]))(?P<place>[\u4e00-\u9fff·-]{1,12}?(?:地区|州|省|市|镇|村|走廊|边境|境内|一带|半岛|高地))"
)
_ZH_RULES = [
    (
        Presence.ABSENT,
        rf"{_ZH_FORCE}(?:并|均|目前|已|仍|从来)?(?:没有|并未|未|不|没|从未)(?:出现|驻扎|部署|在)(?:在|于)?{_ZH_PLACE}",
    ),
    (Presence.ABSENT, rf"{_ZH_FORCE}(?:已经|已|均|已全部|全部)?(?:撤出|撤离|离开)了?{_ZH_PLACE}"),
    (Presence.ABSENT, rf"{_ZH_PLACE_FIRST}(?:并|目前|已经|已)?(?:没有|并无|不存在|已无)(?:任何)?{_ZH_FORCE}"),
    (
        Presence.PRESENT,
        rf"{_ZH_FORCE}(?:已经|已|仍然|仍|目前)?(?:进驻|驻扎在|驻扎于|驻扎|部署在|部署于|出现在|驻守|抵达|进入)了?{_ZH_PLACE}",
    ),
    (Presence.PRESENT, rf"在{_ZH_PLACE}(?:驱逐|清除|赶走|肃清){_ZH_FORCE}"),
    (Presence.PRESENT, rf"(?:将|把){_ZH_FORCE}(?:驱逐出|赶出|逐出)了?{_ZH_PLACE}"),
]
_RULES = {
    "en": [(presence, re.compile(pattern)) for presence, pattern in _EN_RULES],
    "zh": [(presence, re.compile(pattern)) for presence, pattern in _ZH_RULES],
}
_EN_STRENGTH = re.compile(r"^(?:the\s+)?[\d,]+\s+")
# What a force's name cannot start with: an attribution ("…表示") or the classifier of a count ("2000名").
_ZH_ATTRIBUTION_PREFIX = re.compile(r"^.*?(?:表示|称|说|指出)|^[名位支个]")
_ZH_CLAIMANT_SUFFIX = re.compile(r"(?:方面|政府|国防部|外交部|当局)$")


def find_presences(sentence: str, language: str, claimant: str = "") -> list[PresenceCandidate]:
    """The troop-presence statements of ``sentence``; ``claimant`` is whose
    force 其 ("its") is. The rules for absence come first, and a statement
    they read is not read again as presence ("No Russian troops are stationed
    in …" holds "Russian troops are stationed in …")."""
    found, denied_spans = [], []
    for presence, pattern in _RULES[language]:
        for match in pattern.finditer(sentence):
            if presence == Presence.ABSENT:
                denied_spans.append(match.span())
            elif any(start < match.end() and match.start() < end for start, end in denied_spans):
                continue
            force, place = match["force"].strip(), match["place"].strip()
            if language == "en":
                force = _EN_STRENGTH.sub("", force)
            else:
                force = _ZH_ATTRIBUTION_PREFIX.sub("", force)
                if force.startswith("其") and claimant:
                    force = _ZH_CLAIMANT_SUFFIX.sub("", claimant) + force[1:]
            candidate = PresenceCandidate(force=force, place=place, presence=presence)
            if candidate not in found:
                found.append(candidate)
    return found
