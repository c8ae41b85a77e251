"""Independent sources counted once and a claim's evidence grade with its
reasons (``intelligence/independence.py``, ``grouping.py``, ``grading.py``):
pages served by the loopback server, checked as a worker checks them."""

import datetime

import pytest

from claims.choices import EvidenceGrade, Stance
from claims.models import Actor, ClaimGrade, Event
from claims.services import SourceLinkData, add_evidence
from intelligence.independence import Report, credited_agency, group_copies, shingles
from intelligence.models import ContradictionFlag, SourceFingerprint
from intelligence.services import explain_flag
from intelligence.tasks import REGROUP_TASK, regroup_sources
from sources.choices import Reliability
from sources.models import Outlet, Source
from tests.test_source_checks import check_now as check_only

pytestmark = pytest.mark.django_db


def check_now(source):
    """Check ``source`` as a worker does, then regroup and regrade as the
    background task queued on the batch's commit does (run here, in the
    test's transaction, which never commits)."""
    check = check_only(source)
    regroup_sources([source.pk])
    return check


WIRE_STORY = (
    "Shelling overnight hit the northern outskirts of the town, killing at least twelve civilians and wounding "
    "dozens more, local officials said on Tuesday. Rescue teams were still searching the rubble of two apartment "
    "blocks near the railway station on Tuesday morning, a regional governor wrote on his official channel. The "
    "defence ministry denied that its forces had fired on residential areas and said it had struck a fuel depot "
    "used by the other side. Independent verification of the toll was not possible, and international monitors "
    "called on both parties to allow humanitarian access to the area. The town has changed hands twice since the "
    "spring and most of its pre-war population of forty thousand has left."
)
OTHER_STORY = (
    "Residents of the northern district described a night of explosions, and a hospital director counted twelve "
    "dead among the people brought in, all of them civilians. A monitor from an international mission who visited "
    "the site on Wednesday saw craters beside the station and burnt cars, and could not say which side fired."
)
CHINESE_STORY = (
    "当地官员星期二说，该镇北部郊区夜间遭到炮击，造成至少十二名平民死亡，数十人受伤。救援人员星期二上午仍在火车站附近"
    "两栋公寓楼的废墟中搜寻。国防部否认其部队向居民区开火，并称打击的是对方使用的燃料库。伤亡人数无法得到独立核实，"
    "国际观察员呼吁双方允许人道主义物资进入该地区。自春季以来，该镇已两次易手，战前四万人口大多已经离开。"
)


def html(text):
    return f"<html><head><title>Report</title></head><body><article><p>{text}</p></article></body></html>".encode()


def trimmed(text, *, keep=0.8, extra=""):
    """A copy as an outlet runs it: the last part cut, a sentence of its own added."""
    return text[: int(len(text) * keep)] + extra


@pytest.fixture
def outlets():
    return {name: Outlet.objects.create(name=name) for name in ("Daily One", "Daily Two", "Daily Three", "TASS")}


@pytest.fixture
def carried(claim_factory, loopback_server, allow_loopback, _media):
    """A claim carried by the loopback pages ``{path: (text, outlet, reliability)}``, each checked."""

    def make(pages, **fields):
        for path, (text, *_rest) in pages.items():
            loopback_server.route(path, body=html(text))
        links = [
            SourceLinkData(
                url=loopback_server.url(path),
                source_fields={"outlet": outlet, "reliability": reliability},
            )
            for path, (_text, outlet, reliability) in pages.items()
        ]
        claim = claim_factory(sources=links, **fields)
        for link in claim.source_links.all():
            check_now(link.source)
        return claim

    return make


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def grade_of(claim):
    return ClaimGrade.objects.get(claim=claim)


# Finding the agency and the copies, without the database.


@pytest.mark.parametrize(
    "opening, agency",
    [
        ("MOSCOW, March 1 (Reuters) - Shelling overnight", "Reuters"),
        ("KYIV (AP) — Shelling overnight", "AP"),
        ("BAKU, Oct 10 (AFP) - Shelling", "AFP"),
        ("MOSCOW, March 1. /TASS/ - nothing here; (TASS) - the ministry said", "TASS"),
        ("新华社莫斯科3月1日电 当地官员说", "Xinhua"),
        ("（路透社）当地官员说", "Reuters"),
        ("美联社基辅电 当地官员说", "AP"),
        ("法新社巴库10月10日电", "AFP"),
        ("塔斯社莫斯科3月1日电", "TASS"),
        ("Local officials said, citing Reuters, that twelve died.", ""),
        ("Officials said twelve died." + " More words." * 40 + " (Reuters)", ""),
    ],
)
def test_a_wire_agency_is_read_from_the_credit_in_the_opening(opening, agency):
    assert credited_agency(opening) == agency


def reports(*texts):
    return [Report(id=i, shingles=shingles(text)) for i, text in enumerate(texts, start=1)]


def with_bands(items):
    from intelligence.independence import band_keys

    for report, keys in zip(items, band_keys([r.shingles for r in items]), strict=True):
        report.bands = keys
    return items


def test_copies_of_one_english_story_are_one_group_and_another_report_is_not():
    groups = group_copies(
        with_bands(
            reports(
                WIRE_STORY,
                trimmed(WIRE_STORY, keep=0.75),
                "Breaking: " + trimmed(WIRE_STORY, keep=0.9, extra=" Our correspondent adds that the road is closed."),
                OTHER_STORY,
            )
        )
    )
    assert groups == {1: 1, 2: 1, 3: 1, 4: 4}


def test_copies_of_one_chinese_story_are_one_group_by_their_characters():
    assert " " not in "".join(shingles(CHINESE_STORY))  # character shingles: Chinese has no spaces
    groups = group_copies(
        with_bands(
            reports(
                CHINESE_STORY,
                trimmed(CHINESE_STORY, keep=0.7),
                "本台消息：" + trimmed(CHINESE_STORY, keep=0.9),
                "目击者说，爆炸持续了一整夜，医院院长说送来的死者中有十二名平民，国际观察团成员在车站旁看到了弹坑。",
            )
        )
    )
    assert groups == {1: 1, 2: 1, 3: 1, 4: 4}


# Grades with their reasons, from checked pages.


def test_three_outlets_running_one_credited_wire_story_are_one_source(carried, outlets):
    # Each outlet rewrote the opening, so the texts are not near-duplicates: the credit groups them.
    claim = carried(
        {
            "/one": ("BAKU (Reuters) - " + WIRE_STORY, outlets["Daily One"], Reliability.B),
            "/two": ("Officials said (Reuters) " + OTHER_STORY, outlets["Daily Two"], Reliability.B),
            "/three": ("BAKU, Oct 10 (Reuters) - " + CHINESE_STORY, outlets["Daily Three"], Reliability.A),
        }
    )
    grade = grade_of(claim)
    assert grade.grade == EvidenceGrade.SINGLE_SOURCE
    assert grade.reasons == "3 sources, 1 independent: Reuters"


def test_an_independent_credible_report_corroborates(carried, outlets):
    claim = carried(
        {
            "/one": ("BAKU (Reuters) - " + WIRE_STORY, outlets["Daily One"], Reliability.B),
            "/two": ("BAKU (Reuters) - " + trimmed(WIRE_STORY), outlets["Daily Two"], Reliability.B),
            "/tass": ("MOSCOW (TASS) - " + OTHER_STORY, outlets["TASS"], Reliability.C),
        }
    )
    grade = grade_of(claim)
    assert grade.grade == EvidenceGrade.CORROBORATED
    assert grade.reasons == "3 sources, 2 independent: Reuters, TASS"


def test_an_unreliable_second_report_does_not_corroborate(carried, outlets):
    claim = carried(
        {
            "/one": (WIRE_STORY, outlets["Daily One"], Reliability.B),
            "/two": (OTHER_STORY, outlets["Daily Two"], Reliability.E),
        }
    )
    grade = grade_of(claim)
    assert (grade.grade, grade.credible) == (EvidenceGrade.SINGLE_SOURCE, 1)
    assert grade.reasons == "2 sources, 2 independent: Daily One, Daily Two"


@pytest.mark.parametrize("story", [WIRE_STORY, CHINESE_STORY], ids=["english", "chinese"])
def test_three_near_duplicate_copies_without_a_credit_count_once(carried, outlets, story):
    claim = carried(
        {
            "/one": (story, outlets["Daily One"], Reliability.B),
            "/two": (trimmed(story, keep=0.75), outlets["Daily Two"], Reliability.B),
            "/three": (trimmed(story, keep=0.9, extra=" 123 456"), outlets["Daily Three"], Reliability.B),
        }
    )
    grade = grade_of(claim)
    assert grade.grade == EvidenceGrade.SINGLE_SOURCE
    assert grade.reasons == "3 sources, 1 independent: Daily One"
    assert len(set(SourceFingerprint.objects.values_list("group", flat=True))) == 1


def test_a_copy_found_later_joins_the_group_of_a_source_of_another_claim(carried, outlets):
    first = carried({"/one": (WIRE_STORY, outlets["Daily One"], Reliability.B)})
    second = carried({"/two": (trimmed(WIRE_STORY), outlets["Daily Two"], Reliability.B)})
    one, two = Source.objects.get(url__endswith="/one"), Source.objects.get(url__endswith="/two")
    assert one.fingerprint.group == two.fingerprint.group == one.pk
    assert grade_of(first).sources == grade_of(second).sources == 1


def ministry(name, outlet, *, party=None):
    actor = Actor.objects.create(name=name, affiliation=party)
    actor.outlets.add(outlet)
    return actor


def test_a_ministrys_own_statement_never_corroborates(carried, outlets):
    azerbaijan = Actor.objects.create(name="Azerbaijan")
    mfa_site = Outlet.objects.create(name="mfa.gov.az")
    ministry("Azerbaijan MFA", mfa_site, party=azerbaijan)
    defence_site = Outlet.objects.create(name="mod.gov.az")
    ministry("Azerbaijan MoD", defence_site, party=azerbaijan)
    claim = carried(
        {
            "/reuters": ("BAKU (Reuters) - " + WIRE_STORY, outlets["Daily One"], Reliability.B),
            "/mfa": (OTHER_STORY, mfa_site, Reliability.A),
            # Another ministry of the same government is the same party.
            "/mod": ("The ministry of defence reports. " + CHINESE_STORY, defence_site, Reliability.A),
        },
        claimant_name="Azerbaijan MFA",
    )
    grade = grade_of(claim)
    assert grade.grade == EvidenceGrade.SINGLE_SOURCE
    assert grade.reasons == "3 sources, 1 independent: Reuters; Azerbaijan MFA, Azerbaijan MoD are interested parties"


def test_the_party_concerned_admitting_it_confirms(carried, outlets, claim_factory):
    event = Event.objects.create_named("Shelling of the station")
    armenia_site = Outlet.objects.create(name="mil.am")
    ministry("Armenia MoD", armenia_site)
    ministry("Azerbaijan MFA", Outlet.objects.create(name="mfa.gov.az"))
    claim_factory(event=event, claimant_name="Armenia MoD")  # Armenia is a side of this event
    claim = carried(
        {
            "/reuters": ("BAKU (Reuters) - " + WIRE_STORY, outlets["Daily One"], Reliability.B),
            "/mil": (OTHER_STORY, armenia_site, Reliability.B),
        },
        event=event,
        claimant_name="Azerbaijan MFA",
    )
    grade = grade_of(claim)
    assert grade.grade == EvidenceGrade.CONFIRMED
    assert grade.reasons == "2 sources, 2 independent: Reuters, mil.am; admitted by Armenia MoD"


def test_a_third_partys_outlet_admits_nothing(carried, outlets, claim_factory):
    event = Event.objects.create_named("Shelling of the station")
    claim_factory(event=event, claimant_name="Armenia MoD")
    ministry("Xinhua's owner", Outlet.objects.create(name="Xinhua"))
    claim = carried(
        {"/x": (OTHER_STORY, Outlet.objects.get(name="Xinhua"), Reliability.B)},
        event=event,
        claimant_name="Azerbaijan MFA",
    )
    assert grade_of(claim).grade == EvidenceGrade.SINGLE_SOURCE


def test_refuting_evidence_contests_and_names_the_party(carried, outlets, reviewer, loopback_server):
    armenia_site = Outlet.objects.create(name="mil.am")
    ministry("Armenia MoD", armenia_site)
    claim = carried(
        {
            "/one": (WIRE_STORY, outlets["Daily One"], Reliability.B),
            "/tass": (OTHER_STORY, outlets["TASS"], Reliability.B),
        },
        claimant_name="Azerbaijan MFA",
    )
    assert grade_of(claim).grade == EvidenceGrade.CORROBORATED
    loopback_server.route("/denial", body=html("The ministry denies it."))
    add_evidence(claim, reviewer, stance=Stance.REFUTES, source_url=loopback_server.url("/denial"))
    Source.objects.filter(url__endswith="/denial").update(outlet=armenia_site)
    check_now(Source.objects.get(url__endswith="/denial"))
    grade = grade_of(claim)
    assert grade.grade == EvidenceGrade.CONTESTED
    assert grade.reasons == (
        "2 sources, 2 independent: Daily One, TASS; 1 piece of refuting evidence; contradicted by Armenia MoD"
    )


def test_the_grade_changes_when_a_source_goes_away(carried, outlets, loopback_server):
    claim = carried(
        {
            "/one": (WIRE_STORY, outlets["Daily One"], Reliability.B),
            "/tass": (OTHER_STORY, outlets["TASS"], Reliability.B),
        }
    )
    assert grade_of(claim).grade == EvidenceGrade.CORROBORATED

    loopback_server.route("/tass", status=404, body=b"not here")
    check_now(Source.objects.get(url__endswith="/tass"))
    grade = grade_of(claim)
    assert grade.grade == EvidenceGrade.SINGLE_SOURCE
    assert grade.reasons == "1 source, 1 independent: Daily One; 1 gone"

    loopback_server.route("/one", status=410, body=b"gone")
    check_now(Source.objects.get(url__endswith="/one"))
    grade = grade_of(claim)
    assert grade.grade == EvidenceGrade.DISCOUNTED
    assert grade.reasons == "0 sources; 2 gone"


def test_a_source_gone_as_a_soft_404_counts_as_gone(carried, outlets, loopback_server):
    claim = carried(
        {
            "/one": (WIRE_STORY, outlets["Daily One"], Reliability.B),
            "/tass": (OTHER_STORY, outlets["TASS"], Reliability.B),
        }
    )
    assert grade_of(claim).grade == EvidenceGrade.CORROBORATED

    # Taken down: the address now sends readers to the front page, with a 200 there (sources/soft_404.py).
    loopback_server.route("/", body=b"<html><body><p>Front page</p></body></html>")
    loopback_server.redirect("/tass", "/")
    check_now(Source.objects.get(url__endswith="/tass"))

    grade = grade_of(claim)
    assert grade.grade == EvidenceGrade.SINGLE_SOURCE
    assert grade.reasons == "1 source, 1 independent: Daily One; 1 gone"


def test_a_withdrawn_link_no_longer_counts(carried, outlets, reviewer):
    from claims.services import withdraw_source_link

    claim = carried(
        {
            "/one": (WIRE_STORY, outlets["Daily One"], Reliability.B),
            "/tass": (OTHER_STORY, outlets["TASS"], Reliability.B),
        }
    )
    withdraw_source_link(claim.source_links.get(source__url__endswith="/tass"), reviewer, reason="Wrong page")
    assert grade_of(claim).reasons == "1 source, 1 independent: Daily One"


# Where the grade is shown: the claim page, the list (filterable), the API and the CSV export.


@pytest.fixture
def graded(carried, outlets):
    corroborated = carried(
        {
            "/one": ("BAKU (Reuters) - " + WIRE_STORY, outlets["Daily One"], Reliability.B),
            "/tass": ("MOSCOW (TASS) - " + OTHER_STORY, outlets["TASS"], Reliability.B),
        }
    )
    single = carried({"/three": (CHINESE_STORY, outlets["Daily Three"], Reliability.B)})
    return corroborated, single


def test_the_claim_page_shows_the_grade_with_its_reasons_beside_the_verdict(client, reviewer, graded):
    corroborated, _single = graded
    client.force_login(reviewer)
    page = client.get(corroborated.get_absolute_url()).content.decode()
    assert 'data-grade="corroborated"' in page
    assert "Evidence grade: Corroborated" in page
    assert "2 sources, 2 independent: Reuters, TASS" in page
    corroborated.refresh_from_db()
    assert corroborated.status == "unverified"  # the grade never sets the verdict


def test_the_list_filters_by_grade_and_shows_it(client, reviewer, graded):
    corroborated, single = graded
    client.force_login(reviewer)
    page = client.get("/claims/", {"grade": "corroborated"}).content.decode()
    assert corroborated.get_absolute_url() in page and single.get_absolute_url() not in page
    assert 'title="2 sources, 2 independent: Reuters, TASS"' in page
    page = client.get("/claims/", {"grade": ["single_source", "contested"]}).content.decode()
    assert single.get_absolute_url() in page and corroborated.get_absolute_url() not in page


def test_the_api_gives_the_grade_in_the_list_and_the_detail_and_filters_by_it(client, reviewer, graded):
    corroborated, single = graded
    client.force_login(reviewer)
    listed = client.get("/api/claims/", {"grade": "corroborated"}).json()["results"]
    assert [row["id"] for row in listed] == [corroborated.pk]
    assert listed[0]["evidence_grade"]["grade"] == "corroborated"
    assert listed[0]["evidence_grade"]["reasons"] == "2 sources, 2 independent: Reuters, TASS"
    detail = client.get(f"/api/claims/{single.pk}/").json()
    assert detail["evidence_grade"]["grade"] == "single_source"
    assert detail["evidence_grade"]["reasons"] == "1 source, 1 independent: Daily Three"
    # The list writes the grade itself, exactly as the detail's serializer does.
    assert listed[0]["evidence_grade"] == client.get(f"/api/claims/{corroborated.pk}/").json()["evidence_grade"]


def test_the_csv_export_has_the_grade_which_the_import_skips(client, reviewer, graded):
    import csv
    import io

    from claims.csv_columns import is_known

    corroborated, _single = graded
    client.force_login(reviewer)
    response = client.get("/claims/export.csv", {"grade": "corroborated"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(row["id"], row["evidence_grade"]) for row in rows] == [(str(corroborated.pk), "corroborated")]
    assert rows[0]["evidence_grade_reasons"] == "2 sources, 2 independent: Reuters, TASS"
    assert is_known("evidence_grade") and is_known("evidence_grade_reasons")


def test_the_grade_is_shown_in_chinese_to_a_chinese_reader(client, reviewer, graded):
    corroborated, _single = graded
    client.force_login(reviewer)
    page = client.get(corroborated.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "证据等级" in page and "2 个来源" in page


def test_a_finished_check_queues_the_regrouping_on_the_background_queue_not_in_its_transaction(
    carried, outlets, loopback_server, django_capture_on_commit_callbacks
):
    """Grouping similar pages in the checks' own transaction made batches
    overrun their time limit: the check only asks for it, once committed."""
    from django.conf import settings

    from tracker.celery import app

    claim = carried({"/one": (WIRE_STORY, outlets["Daily One"], Reliability.B)})
    source = Source.objects.get(url__endswith="/one")
    SourceFingerprint.objects.filter(pk=source.pk).delete()
    with django_capture_on_commit_callbacks() as callbacks:
        check_only(source)
    assert not SourceFingerprint.objects.filter(pk=source.pk).exists()
    assert [c for c in callbacks if c.__qualname__.startswith("queue_regrouping")]
    route = app.amqp.router.route({}, REGROUP_TASK)
    assert route["queue"].name == settings.NOTIFICATIONS_QUEUE
    regroup_sources([source.pk])
    regroup_sources([source.pk])
    assert SourceFingerprint.objects.filter(pk=source.pk).count() == 1
    assert ClaimGrade.objects.filter(claim=claim).count() == 1


def test_a_contradiction_flag_contests_both_claims_until_it_is_explained(claim_factory, reviewer):
    def counting(killed, party, url):
        return claim_factory(
            text=f"{killed} killed",
            claimant_name=party,
            event_name="Shelling of the market",
            stated_on=datetime.date(2023, 9, 20),
            figures=[{"category": "killed", "population": "all", "qualifier": "exact", "low": killed}],
            sources=[url],
        )

    first = counting(6, "Ministry of Defence", "https://a.example.org/one")
    second = counting(8, "Local officials", "https://b.example.org/two")

    assert grade_of(first).grade == grade_of(second).grade == EvidenceGrade.CONTESTED
    assert f"contradicted by Local officials (#{second.pk})" in grade_of(first).reasons
    assert f"contradicted by Ministry of Defence (#{first.pk})" in grade_of(second).reasons

    explain_flag(ContradictionFlag.objects.get(), reviewer, note="Different days of one count.")
    assert grade_of(first).grade == grade_of(second).grade == EvidenceGrade.SINGLE_SOURCE
