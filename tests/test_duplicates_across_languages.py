"""A claim that states what an existing claim states, in another language,
is pointed out before it is filed: on the submit page (saved once the
reviewer confirms, what they typed kept), in the API (400 on ``text`` with
the claims it may repeat, unless ``confirm_not_duplicate``) and in the
import (the row reported). The words differ, so the match is on the
structure: the same party through its aliases, the same event or place,
close dates, figures of the same category and population that overlap."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from claims.exceptions import PossibleDuplicate
from claims.models import Actor, ActorAlias, Claim
from claims.services import submit_claim
from tests.html_page import Page
from tests.import_pages import import_through_page, report_of
from tests.pages import submission

pytestmark = pytest.mark.django_db

CHINESE = "据当地亚美尼亚官员称，至少有27人在袭击中死亡"


@pytest.fixture
def existing(claim_factory):
    party = Actor.objects.create(name="Local Armenian officials")
    ActorAlias.objects.create(actor=party, name="当地亚美尼亚官员")
    return claim_factory(
        text="At least 27 people were killed, local Armenian officials said",
        kind="casualty_figure",
        claimant_name="Local Armenian officials",
        event_name="Karabakh offensive",
        occurred_on=date(2023, 9, 19),
        figures=[{"category": "killed", "population": "all", "qualifier": "at_least", "low": 27}],
    )


def chinese(**changes):
    fields = {
        "text": CHINESE,
        "language": "zh",
        "kind": "casualty_figure",
        "claimant_name": "当地亚美尼亚官员",
        "event_name": "Karabakh offensive",
        "occurred_on": date(2023, 9, 20),
    }
    figures = [{"category": "killed", "population": "all", "qualifier": "exact", "low": 27}]
    fields.update({name: value for name, value in changes.items() if name != "figures"})
    return fields, changes.get("figures", figures)


def test_the_chinese_paraphrase_of_an_english_claim_is_refused_until_confirmed(existing, reviewer):
    fields, figures = chinese()
    with pytest.raises(PossibleDuplicate) as refused:
        submit_claim(reviewer, fields=fields, figures=figures, refuse_duplicates=True)
    assert [claim for claim, _reason in refused.value.duplicates] == [existing]
    assert "Local Armenian officials" in refused.value.duplicates[0][1]
    assert Claim.objects.count() == 1  # nothing of it was kept
    assert submit_claim(reviewer, fields=fields, figures=figures).pk  # confirmed: filed


@pytest.mark.parametrize(
    "changes",
    [
        {"figures": [{"category": "injured", "population": "all", "qualifier": "exact", "low": 27}]},
        {"figures": [{"category": "killed", "population": "civilians", "qualifier": "exact", "low": 27}]},
        {"figures": [{"category": "killed", "population": "all", "qualifier": "up_to", "high": 10}]},
        {"claimant_name": "Azerbaijan's foreign ministry"},
        {"occurred_on": date(2023, 9, 25)},
        {"event_name": "Another offensive"},
    ],
    ids=["other category", "other population", "figures apart", "other party", "dates apart", "other event"],
)
def test_a_claim_that_differs_in_one_fact_is_no_duplicate(existing, reviewer, changes):
    fields, figures = chinese(**changes)
    assert submit_claim(reviewer, fields=fields, figures=figures, refuse_duplicates=True).pk


def test_the_submit_page_warns_with_a_link_and_saves_once_confirmed(client, reviewer, existing):
    data = submission(
        {
            "text": CHINESE,
            "language": "zh",
            "kind": "casualty_figure",
            "claimant_name": "当地亚美尼亚官员",
            "event": existing.event.pk,
            "occurred_on": "2023-09-20",
        },
        figures=[{"category": "killed", "population": "all", "qualifier": "exact", "low": "27"}],
    )
    client.force_login(reviewer)

    warned = client.post(reverse("claims:claim_submit"), data)

    assert warned.status_code == 400
    assert existing.get_absolute_url() in warned.content.decode()
    assert Page(warned).value("id_claim-text") == CHINESE
    assert Claim.objects.count() == 1

    confirmed = client.post(reverse("claims:claim_submit"), {**data, "confirm_not_duplicate": "1"})
    assert confirmed.status_code == 302
    assert Claim.objects.filter(text=CHINESE).exists()


def test_the_api_answers_400_with_the_candidates_unless_confirmed(client, reviewer, existing):
    body = {
        "text": CHINESE,
        "language": "zh",
        "kind": "casualty_figure",
        "claimant_name": "当地亚美尼亚官员",
        "event": existing.event.pk,
        "occurred_on": "2023-09-20",
        "casualty_figures": [{"category": "killed", "population": "all", "qualifier": "exact", "low": 27}],
    }
    client.force_login(reviewer)

    refused = client.post("/api/claims/", body, content_type="application/json")

    assert refused.status_code == 400
    answer = refused.json()
    assert f"#{existing.pk}" in answer["errors"]["text"][0]
    assert answer["code"] == "possible_duplicate"
    assert [found["id"] for found in answer["duplicates"]] == [existing.pk]
    assert answer["duplicates"][0]["url"].endswith(f"/api/claims/{existing.pk}/")
    assert Claim.objects.count() == 1

    filed = client.post("/api/claims/", {**body, "confirm_not_duplicate": True}, content_type="application/json")
    assert filed.status_code == 201


def chinese_csv() -> bytes:
    return (
        "text,language,kind,claimant,event_name,occurred_on,figure1_category,figure1_qualifier,figure1_low\n"
        f"{CHINESE},zh,casualty_figure,当地亚美尼亚官员,Karabakh offensive,2023-09-20,killed,exact,27\n"
    ).encode()


def test_the_import_reports_the_row_unless_duplicates_are_kept(client, editor, existing):
    client.force_login(editor)

    refused = report_of(import_through_page(client, SimpleUploadedFile("claims.csv", chinese_csv())))

    assert refused[2].claim is None
    assert f"#{existing.pk}" in refused[2].errors["text"][0]
    assert not Claim.objects.filter(text=CHINESE).exists()

    kept = report_of(import_through_page(client, SimpleUploadedFile("claims.csv", chinese_csv()), keep_duplicates="on"))
    assert kept[2].claim.text == CHINESE


def test_the_import_command_refuses_duplicates_unless_told_to_keep_them(editor, existing, tmp_path):
    path = tmp_path / "claims.csv"
    path.write_bytes(chinese_csv())

    with pytest.raises(CommandError, match="1 row"):
        call_command("import_claims", str(path), "--as", editor.username)
    assert not Claim.objects.filter(text=CHINESE).exists()

    call_command("import_claims", str(path), "--as", editor.username, "--keep-duplicates")
    assert Claim.objects.filter(text=CHINESE).exists()
