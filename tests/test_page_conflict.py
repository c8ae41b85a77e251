"""Two people edit the same claim: the second save is not allowed to wipe
out the first without seeing it, and loses nothing it typed."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Claim
from tests.html_page import Page
from tests.pages import edit

pytestmark = pytest.mark.django_db

FIRST_TEXT = "Azerbaijani forces shelled Stepanakert overnight"
SECOND_TEXT = "Azerbaijani forces shelled Stepanakert and Martuni overnight"


def _loaded_version(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return Page(response).value("id_claim-version")


def test_second_save_of_the_same_version_is_a_conflict(claim_factory, reviewer, editor):
    claim = claim_factory(submitter=reviewer, text="Azerbaijani forces shelled a town")
    url = reverse("claims:claim_edit", args=[claim.pk])
    first, second = Client(), Client()
    first.force_login(reviewer)
    second.force_login(editor)
    first_version = _loaded_version(first, url)
    second_version = _loaded_version(second, url)
    assert first_version == second_version == str(claim.version)

    saved = first.post(url, edit(claim, text=FIRST_TEXT, version=first_version))
    assert saved.status_code == 302

    typed = edit(claim, text=SECOND_TEXT, translation="Typed by the second reviewer", version=second_version)
    conflict = second.post(url, typed)

    assert conflict.status_code == 409
    page = Page(conflict)
    [alert] = [alert for alert in page.alerts() if "Someone else changed this claim meanwhile" in alert]
    assert FIRST_TEXT in alert, "the conflict shows the claim as the first save left it"
    assert page.value("id_claim-text") == SECOND_TEXT
    assert page.value("id_claim-translation") == "Typed by the second reviewer"
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.text == FIRST_TEXT
    refreshed_version = page.value("id_claim-version")
    assert refreshed_version == str(stored.version) != second_version

    resaved = second.post(url, {**typed, "claim-version": refreshed_version})

    assert resaved.status_code == 302
    stored.refresh_from_db()
    assert stored.text == SECOND_TEXT
    assert stored.translation == "Typed by the second reviewer"
    assert stored.version == int(refreshed_version) + 1
