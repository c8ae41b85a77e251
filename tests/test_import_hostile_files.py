"""Import files as an attacker or a broken spreadsheet writes them: the page
answers with a report, never a 500, and every row of the file is accounted
for by number (security review, defects 8 and 2)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import CLAIM_TEXT_MAX_LENGTH, Claim
from tests.import_pages import import_through_page, report_of

pytestmark = pytest.mark.django_db

HEADER = "text,language,kind\n"


def upload(client, editor, content: bytes, name="claims.csv"):
    client.force_login(editor)
    response = import_through_page(client, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    return response


def test_a_field_over_128_kb_is_reported_on_its_row(client, editor):
    huge = "x" * (200 * 1024)
    response = upload(
        client, editor, f"{HEADER}Before,en,statement\n{huge},en,statement\nAfter,en,statement\n".encode()
    )
    rows = report_of(response)
    assert sorted(rows) == [2, 3, 4]
    assert rows[3].errors == {
        "text": [f"Ensure this value has at most {CLAIM_TEXT_MAX_LENGTH} characters (it has {len(huge)})."]
    }
    assert sorted(Claim.objects.values_list("text", flat=True)) == ["After", "Before"]


def test_a_bare_carriage_return_ends_a_row(client, editor):
    response = upload(client, editor, f"{HEADER}First,en,statement\rSecond,en,statement\r\nThird,en,statement".encode())
    rows = report_of(response)
    assert [(number, result.claim.text) for number, result in rows.items()] == [
        (2, "First"),
        (3, "Second"),
        (4, "Third"),
    ]


def test_a_quote_never_closed_accounts_for_every_row_it_swallowed(client, editor):
    lines = [
        "One,en,statement",
        "Two,en,statement",
        '"Three, with a quote never closed,en,statement',
        "Four,en,statement",
        "Five,en,statement",
        "Six,en,statement",
    ]
    response = upload(client, editor, (HEADER + "\n".join(lines) + "\n").encode())

    rows = report_of(response)
    assert sorted(rows) == [2, 3, 4, 5, 6, 7]
    assert [rows[n].claim.text for n in (2, 3)] == ["One", "Two"]
    assert rows[4].errors == {
        "row": [
            "A quoted value in this row is never closed, so lines 4–7 (the rest of the file) could not be read. "
            "Close the quote and import them again."
        ]
    }
    for number in (5, 6, 7):
        assert rows[number].errors == {"row": ["Not read: this line is inside the quoted value that row 4 opens."]}
    assert "Imported 2 of 6 rows." in response.content.decode()


def test_a_broken_quote_inside_the_file_costs_only_its_row(client, editor):
    content = f'{HEADER}One,en,statement\n"Two" and more,en,statement\nThree,en,statement\n'.encode()
    rows = report_of(upload(client, editor, content))
    assert sorted(rows) == [2, 3, 4]
    assert rows[3].errors["row"] == [
        "Line 3 cannot be read as CSV (',' expected after '\"'); check the quotes in this row."
    ]
    assert sorted(Claim.objects.values_list("text", flat=True)) == ["One", "Three"]


def test_unknown_columns_stop_the_import_with_their_names(client, editor):
    response = upload(client, editor, b"text,language,claimnat,killed_low\nOne,en,Someone,5\n")
    assert "rows" not in response.context
    assert response.context["form"].errors["file"] == [
        "The file has columns the import does not know: claimnat, killed_low. Nothing was imported; "
        "rename or remove them (the columns are listed on the import page)."
    ]
    assert not Claim.objects.exists()


def test_a_row_with_more_cells_than_columns_is_refused(client, editor):
    rows = report_of(upload(client, editor, f"{HEADER}One,en,statement,extra\n".encode()))
    assert rows[2].errors == {"row": ["This row has 4 cells but the header names 3 columns."]}
    assert not Claim.objects.exists()


def test_unknown_json_keys_are_reported_on_their_row(client, editor):
    content = json.dumps([{"text": "One", "language": "en", "claimnat": "Someone"}]).encode()
    rows = report_of(upload(client, editor, content, name="claims.json"))
    assert rows[1].errors == {"claimnat": ["The import does not know this key."]}
    assert not Claim.objects.exists()


def test_json_nested_a_thousand_deep_is_refused_clearly(client, editor):
    content = ("[" * 1000 + "]" * 1000).encode()
    response = upload(client, editor, content, name="claims.json")
    assert response.context["form"].errors["file"] == ["The file nests lists or objects too deeply to hold claims."]
    nested = json.dumps([{"text": "One", "language": "en", "casualty_figures": [{"low": [[[[1]]]]}]}]).encode()
    rows = report_of(upload(client, editor, nested, name="claims.json"))
    assert rows[1].errors["casualty_figures[0].low"] == ["Expected text or a whole number."]


def test_json_deeper_than_the_limit_but_short_of_python_s_is_refused_clearly(client, editor):
    # 30 levels: json.loads takes it, the shared loader (claims/bounded_json.py) does not.
    content = ('[{"text": "One", "language": "en", "note": ' + "[" * 30 + "]" * 30 + "}]").encode()
    response = upload(client, editor, content, name="claims.json")
    assert response.context["form"].errors["file"] == ["The file nests lists or objects too deeply to hold claims."]


def test_nan_in_json_is_not_json(client, editor):
    content = b'[{"text": "One", "language": "en", "casualty_figures": [{"low": NaN}]}]'
    response = upload(client, editor, content, name="claims.json")
    assert "The file is not valid JSON" in response.context["form"].errors["file"][0]
    assert not Claim.objects.exists()
