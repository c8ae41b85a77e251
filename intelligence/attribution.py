"""Who says it, and who carried it: the claimant and the outlet of a sentence.

Attribution is read from the phrases wire copy uses: ``according to X``,
``X said``/``says``/``told Reuters``/``reported``, ``…, said X`` in English;
``据X称``/``据X报道``, ``根据X的声明``, ``X表示``/``X称``/``X指出``/
``X发表声明称`` in Chinese. A name that is a news outlet (Reuters, 路透社,
…) is the outlet that carried the claim, never its claimant. The subject is
cut to the party itself: leading conjunctions (而, 与此同时), dates
(9月20日), adverbs (则, 也) and "在…声明中" are dropped, so that
"而在纳卡地区的亚美尼亚人则称" gives "纳卡地区的亚美尼亚人". A pronoun
(he, 他, 其) stands for the last named claimant of the paragraph, which the
caller passes in.
"""

import re
from dataclasses import dataclass

OUTLETS = {
    "en": [
        "Reuters",
        "Associated Press",
        "AP",
        "AFP",
        "Agence France-Presse",
        "TASS",
        "RIA Novosti",
        "Interfax",
        "Xinhua",
        "BBC",
        "CNN",
        "Al Jazeera",
        "Anadolu Agency",
        "Anadolu",
        "Ukrinform",
        "Armenpress",
        "Sputnik",
        "The New York Times",
        "The Washington Post",
        "The Guardian",
        "WAFA",
        "Bloomberg",
        "Radio Dabanga",
        "Sudan Tribune",
    ],
    "zh": [
        "路透社",
        "美联社",
        "法新社",
        "塔斯社",
        "新华社",
        "俄新社",
        "俄罗斯卫星通讯社",
        "卫星通讯社",
        "国际文传电讯社",
        "半岛电视台",
        "英国广播公司",
        "美国有线电视新闻网",
        "彭博社",
        "央视新闻",
        "中新社",
        "环球时报",
        "观察者网",
        "澎湃新闻",
        "阿纳多卢通讯社",
        "乌克兰国家通讯社",
        "纽约时报",
        "华盛顿邮报",
    ],
}
_OUTLET_NAMES = {
    language: re.compile(
        "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True)),
    )
    for language, names in OUTLETS.items()
}

_EN_VERBS = (
    r"said|says|told|stated|claimed|announced|reported|added|estimated|confirmed|warned|insisted|wrote|posted"
    r"|alleged|acknowledged|denied|tweeted"
)
_EN_PATTERNS = [
    re.compile(r"\baccording\s+to\s+(?P<who>[^,;.\"“”]{2,80}?)(?=\s*[,;.]|\s*$)", re.I),
    re.compile(rf"(?:^|[,;:\"“”]\s*|\bthat\s+)(?P<who>[^,;:\"“”\d]{{2,70}}?)\s+(?:{_EN_VERBS})\b"),
    re.compile(r"[,\"”]\s*(?:said|says|according\s+to)\s+(?P<who>[^,;.\"“”]{2,80})"),
]
_EN_TOLD_OUTLET = re.compile(r"\btold\s+(?P<outlet>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)")
_EN_TRIM = [
    re.compile(r"^(?:and|but|while|meanwhile|however|also)\s+", re.I),
    re.compile(
        r"\s+(?:on|late\s+on|early\s+on|in\s+a\s+statement|later|earlier|also|previously|again|separately)$", re.I
    ),
    re.compile(r"\s+(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today)$", re.I),
]
_EN_PRONOUNS = {"he", "she", "they", "it", "we", "i"}
_EN_NOT_PARTIES = re.compile(r"^(?:a|an|there|this|that|what|which|who|it\s+was|some|many)$", re.I)

_ZH_VERBS = "|".join(
    (
        "发表声明称|发表声明表示|在声明中称|在声明中表示|报道称|报道说|指责称|援引",
        "表示|声称|宣称|指出|强调|透露|证实|宣布|通报|说|称|告诉[^，。；]{1,12}",
    )
)
_ZH_PATTERNS = [
    re.compile(
        r"据(?P<who>[^，。；：“”]{2,30}?)(?:援引(?P<cited>[^，。；：“”]{2,30}?))?的?"
        r"(?:报道称|报道|消息称|消息|称|说|表示|透露|统计|介绍|公布|通报|声明|报告)"
    ),
    re.compile(r"根据(?P<who>[^，。；：]{2,40}?)的(?:推文|声明|消息|报告|数据|通报|统计)"),
    # The subject may quote a name ("俄罗斯外交部在其“Telegram”账号上发布的一份声明中表示").
    # The verb may run on ("俄方称有…"), but not into another word (称为, 称赞, 说明, 说服); a bracket in the
    # subject is whole ("阿利耶夫（Ilham Aliyev）表示"), never "（阿塞拜疆称汉肯迪）".
    re.compile(
        rf"(?:^|[，。；：])(?P<who>(?:[^，。；：（(]|（[^）]{{0,30}}）|\([^)]{{0,30}}\)){{2,40}}?)(?:{_ZH_VERBS})(?![为作赞号霸明服法])"
    ),
]
_ZH_TRIM = [
    re.compile(r"^[“”「」\s]+"),
    re.compile(r"^(?:据|而后|之后|随后|此后|后来|而|但是|但|与此同时|同时|此外|另外|然而|并且|并|且|因此|此前|不过)"),
    re.compile(r"（[^）]*）|\([^)]*\)"),
    re.compile(r"(?:当地时间)?(?:\d{4}年)?\d{1,2}月\d{1,2}日|\d{1,2}日|当天|当日|同日|日前|周[一二三四五六日]"),
    re.compile(r"(?:在|于|通过)[^，。]{0,40}(?:中|上|里|时)$"),
    re.compile(r"(?:则|也|还|又|曾|已|均|都|亦|同样|随后|再次|公开|于)+$"),
    re.compile(r"^在(?=.+的)"),
]
_ZH_PRONOUNS = {"他", "她", "其", "他们", "她们", "该部", "该国", "对方", "本方", "我们"}


@dataclass(frozen=True)
class Attribution:
    claimant: str = ""
    outlet: str = ""


# Chinese outlets not in the list are known by how their names end: 巴勒斯坦通讯社, 某某电视台, 某某日报.
_ZH_OUTLET_ENDING = re.compile(r"(?:通讯社|新闻社|电视台|广播公司|日报|时报|邮报|新闻网)$")
_ZH_OUTLET_SPOKEN_TO = re.compile(r"(?:告诉|接受)(?P<outlet>[^，。；]{2,12}?)(?:采访|记者|，|$)")


def _outlet_in(name: str, language: str) -> str:
    if language == "zh" and _ZH_OUTLET_ENDING.search(name.strip()):
        return name.strip()
    match = _OUTLET_NAMES[language].fullmatch(name.strip())
    if match is None and language == "en":
        match = _OUTLET_NAMES[language].fullmatch(re.sub(r"^the\s+", "", name.strip(), flags=re.I))
    return match.group() if match else ""


def _trim(name: str, rules) -> str:
    previous = None
    while previous != name:
        previous = name
        for rule in rules:
            name = rule.sub("", name).strip()
    return name


def attribute(sentence: str, language: str, previous_claimant: str = "") -> Attribution:
    """The claimant and outlet named in ``sentence``; ``previous_claimant``
    is who a pronoun stands for."""
    patterns, trims, pronouns = (
        (_EN_PATTERNS, _EN_TRIM, _EN_PRONOUNS) if language == "en" else (_ZH_PATTERNS, _ZH_TRIM, _ZH_PRONOUNS)
    )
    claimant, outlet = "", ""
    hits = sorted(
        ((match.start("who"), match) for pattern in patterns for match in pattern.finditer(sentence)),
        key=lambda hit: hit[0],
    )
    for _, match in hits:
        who = _trim(match["who"], trims)
        cited = match.groupdict().get("cited")
        if _outlet_in(who, language):
            outlet = outlet or _outlet_in(who, language)
            if cited and not claimant:
                claimant = _trim(cited, trims)
            continue
        if language == "zh" and re.match(r"[对向与同跟给]", who):
            continue  # "对亚美尼亚总理表示": the one spoken to, not the speaker
        if not who or (language == "en" and (_EN_NOT_PARTIES.match(who) or len(who.split()) > 8)):
            continue
        if who.lower() in pronouns or who in pronouns:
            who = previous_claimant
        if who and not claimant:
            claimant = who
    if not outlet:
        told = (_EN_TOLD_OUTLET if language == "en" else _ZH_OUTLET_SPOKEN_TO).search(sentence)
        if told and _outlet_in(told["outlet"], language):
            outlet = _outlet_in(told["outlet"], language)
    return Attribution(claimant=claimant, outlet=outlet)
