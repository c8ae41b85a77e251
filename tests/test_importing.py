"""Bulk import: good rows go in, bad rows are reported by row and field."""

import json
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.urls import reverse

from claims.choices import BoundQualifier, CasualtyCategory, ClaimKind, LogAction, SourceRole
from claims.importing import ImportFileError, import_claims, parse_csv, parse_json
from claims.models import Actor, Claim, ClaimGrade, Event
from claims.signals import claim_changed, claim_submitted
from intelligence.models import ContradictionFlag
from sources.models import Source
from tests.import_pages import import_through_page

pytestmark = pytest.mark.django_db


@contextmanager
def receiving(*connections):
    """Connect each ``(signal, receiver)`` while the block runs."""
    for signal, receiver in connections:
        signal.connect(receiver)
    try:
        yield
    finally:
        for signal, receiver in connections:
            signal.disconnect(receiver)


CSV_HEADER = "text,language,kind,translation,claimant,event,occurred_on,"
CSV_HEADER += "figure1_category,figure1_low,figure1_high,figure1_qualifier,"
CSV_HEADER += "figure2_category,figure2_low,figure2_high,figure2_qualifier,source1_url,source1_quoted_passage\n"


@pytest.fixture
def event(db):
    return Event.objects.create(name="Offensive, September 2023", slug="nk-2023-09")


def csv_file(*lines):
    return (CSV_HEADER + "".join(line + "\n" for line in lines)).encode("utf-8-sig")


def test_csv_good_rows_are_imported_and_bad_rows_reported(editor, event):
    rows = parse_csv(
        csv_file(
            "当地至少有27人死亡,zh,casualty_figure,At least 27 killed,Local Armenians,nk-2023-09,2023-09-19,"
            "killed,27,,at_least,injured,200,,at_least,https://www.guancha.cn/a.shtml,至少有27人死亡",
            "Troops withdrew,en,statement,,,no-such-event,2023-09-31",
            ",xx,casualty_figure,,,,,killed,ten,,exact,injured,5,3,exact,ftp://example.org/x,",
            "Second claim by the same actor,en,statement,,Local Armenians",
        )
    )

    report = import_claims(editor, rows)

    assert [result.number for result in report.imported] == [2, 5]
    first = report.imported[0].claim
    assert (first.text, first.language, first.kind, first.event) == (
        "当地至少有27人死亡",
        "zh",
        ClaimKind.CASUALTY_FIGURE,
        event,
    )
    assert first.submitter == editor
    assert [(f.category, f.qualifier, f.low) for f in first.casualty_figures.all()] == [
        (CasualtyCategory.INJURED, BoundQualifier.AT_LEAST, 200),
        (CasualtyCategory.KILLED, BoundQualifier.AT_LEAST, 27),
    ]
    link = first.source_links.get()
    assert (link.source.url, link.quoted_passage, link.role) == (
        "https://www.guancha.cn/a.shtml",
        "至少有27人死亡",
        SourceRole.ORIGIN,
    )
    assert first.log.filter(action=LogAction.CREATED).exists()
    # The claimant is created once and reused.
    assert report.imported[1].claim.claimant == first.claimant
    assert Actor.objects.filter(name="Local Armenians").count() == 1

    errors = {result.number: result.errors for result in report.failed}
    assert set(errors) == {3, 4}
    assert errors[3]["event"] == [
        "There is no event with the slug “no-such-event”; give its name in event_name to create it."
    ]
    assert errors[3]["occurred_on"] == ["“2023-09-31” is not a date of the form YYYY-MM-DD."]
    assert errors[4]["text"] == ["This field cannot be blank."]
    assert "is not a valid choice" in errors[4]["language"][0]
    assert errors[4]["figure1_low"] == ["“ten” is not a whole number."]
    assert errors[4]["figure2_high"] == ["The high bound (3) is below the low bound (5)."]
    assert errors[4]["source1_url"] == ["Only http and https URLs can be sources; got ftp://example.org/x."]
    assert Claim.objects.count() == 2


@pytest.mark.postgresql  # the failure it provokes is PostgreSQL's refusal of a NUL character
def test_a_row_failing_inside_submit_leaves_nothing_behind(editor):
    # A NUL character passes the field checks; PostgreSQL refuses it when the claim is saved,
    # after the new claimant was created in the same savepoint.
    rows = parse_json(
        [
            {"text": "Bad\x00text", "language": "en", "claimant": "Brand new actor"},
            {"text": "Fine", "language": "en"},
        ]
    )
    report = import_claims(editor, rows)
    assert [result.number for result in report.imported] == [2]
    assert list(report.failed[0].errors) == ["row"]
    assert not Actor.objects.filter(name="Brand new actor").exists()


def test_json_rows_with_figures_and_sources(editor, event):
    existing = Source.objects.create(url="https://www.reuters.com/world/toll")
    data = json.dumps(
        {
            "claims": [
                {
                    "text": "At least 6 killed",
                    "language": "en",
                    "kind": "casualty_figure",
                    "event": "nk-2023-09",
                    "casualty_figures": [{"category": "killed", "qualifier": "at_least", "low": 6}],
                    "sources": [
                        {"url": "https://www.reuters.com/world/toll?utm_source=x", "role": "repetition"},
                        {"url": "https://tass.ru/a", "quoted_passage": "6 killed"},
                    ],
                },
                {
                    "text": "Up to 10 injured",
                    "language": "en",
                    "casualty_figures": [{"category": "injured", "qualifier": "up_to", "low": 2, "high": 10}],
                    "sources": [{"url": "https://tass.ru/b", "role": "echo"}],
                },
            ]
        }
    )

    report = import_claims(editor, parse_json(data))

    claim = report.imported[0].claim
    assert str(claim.casualty_figures.get()) == "Killed (All): ≥ 6"
    links = list(claim.source_links.select_related("source"))
    # A URL already known links the existing source instead of creating another.
    assert links[0].source == existing
    assert links[0].role == SourceRole.REPETITION
    assert links[1].quoted_passage == "6 killed"
    assert Source.objects.count() == 2

    failed = report.failed[0]
    assert failed.number == 2
    assert failed.errors["casualty_figures[0].low"] == ["“Up to” takes only a high bound; leave the low bound empty."]
    assert failed.errors["sources[0].role"] == ["“echo” is not a source role."]


def test_reviewers_may_not_import(reviewer):
    with pytest.raises(PermissionDenied):
        import_claims(reviewer, parse_json([{"text": "x", "language": "en"}]))
    assert not Claim.objects.exists()


def test_unreadable_files_are_refused_whole():
    with pytest.raises(ImportFileError):
        parse_json(b"{not json")
    with pytest.raises(ImportFileError):
        parse_json({"claims": "nope"})
    with pytest.raises(ImportFileError):
        parse_csv(b"text,language\n\xff\xfe,en\n")


def test_command_prints_the_report(editor, tmp_path, capsys):
    path = tmp_path / "claims.json"
    path.write_text(json.dumps([{"text": "Imported", "language": "en"}, {"text": "", "language": "en"}]))

    with pytest.raises(CommandError, match="1 row"):
        call_command("import_claims", str(path), "--as", "editor")

    out = capsys.readouterr().out
    claim = Claim.objects.get()
    assert "Imported 1 of 2 rows." in out
    assert f"Row 1: imported as claim {claim.pk}." in out
    assert "Row 2: text: This field cannot be blank." in out


def test_command_refuses_a_reviewer(reviewer, tmp_path):
    path = tmp_path / "claims.csv"
    path.write_bytes(csv_file("Text,en,statement"))
    with pytest.raises(CommandError, match="Only editors and admins"):
        call_command("import_claims", str(path), "--as", "reviewer")
    assert not Claim.objects.exists()


def test_import_page_shows_the_row_by_row_report(client, editor, event):
    client.force_login(editor)
    url = reverse("claims:import")
    assert client.get(url).status_code == 200

    upload = SimpleUploadedFile(
        "claims.csv",
        csv_file(
            "Troops withdrew,en,statement,,,nk-2023-09",
            "Troops stayed,en,statement,,,gone",
        ),
    )
    response = import_through_page(client, upload)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Imported 1 of 2 rows." in content
    assert f"Imported as claim {Claim.objects.get().pk}" in content
    assert "There is no event with the slug “gone”" in content


def test_import_page_reports_an_unreadable_file(client, editor):
    client.force_login(editor)
    response = client.post(reverse("claims:import"), {"file": SimpleUploadedFile("claims.json", b"[{")})
    assert response.status_code == 200
    assert "The file is not valid JSON" in response.content.decode()
    assert not Claim.objects.exists()


def test_import_page_is_for_editors_only(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("claims:import")).status_code == 403


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_imports_sources_are_sent_for_checking_in_batches(editor, queued_messages, settings):
    settings.SOURCE_CHECK_BATCH_SIZE = 20
    rows = parse_csv(
        csv_file(
            *(
                f"Shelling reported in village {n},en,statement,,,,,,,,,,,,,https://example.org/report/{n},"
                for n in range(45)
            )
        )
    )

    report = import_claims(editor, rows)

    assert len(report.imported) == 45
    messages = queued_messages()
    assert sorted(len(args[0]) for args in messages) == [5, 20, 20]
    sources = Source.objects.filter(claim_links__claim__in=[result.claim for result in report.imported])
    assert sorted(source_id for args in messages for source_id, _at in args[0]) == sorted(s.pk for s in sources)


def test_the_import_page_documents_its_columns_and_offers_a_template(client, editor):
    client.force_login(editor)
    page = client.get(reverse("claims:import")).content.decode()
    for column in ("claimant", "event_name", "figure1_qualifier", "presence1_force", "source1_quoted_passage"):
        assert column in page
    template_url = reverse("claims:import_template")
    assert f'href="{template_url}"' in page
    template = client.get(template_url)
    header = template.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:2] == ["text", "language"] and "source1_url" in header and "id" not in header
    # The template imports as it is: a header and no rows.
    assert parse_csv(template.content) == []


def test_import_and_export_are_reachable_from_the_pages(client, editor, reviewer):
    client.force_login(editor)
    for page in (reverse("claims:dashboard"), reverse("claims:claim_list")):
        content = client.get(page).content.decode()
        assert f'href="{reverse("claims:import")}"' in content
        assert reverse("claims:export_csv") in content
    filtered = client.get(reverse("claims:claim_list"), {"kind": "statement"}).content.decode()
    assert f'href="{reverse("claims:export_csv")}?kind=statement"' in filtered
    client.force_login(reviewer)
    assert reverse("claims:import") not in client.get(reverse("claims:claim_list")).content.decode()


def test_an_import_tells_of_its_claims_a_batch_at_a_time_and_they_are_graded_and_flagged(editor, event, settings):
    # Told claim by claim, the grading and the contradiction flags cost a
    # dozen queries a row: half of an import's time.
    settings.IMPORT_ROWS_PER_TRANSACTION = 10
    told = []

    def listen(sender, claim_ids, **kwargs):
        told.append(list(claim_ids))

    def toll(n, party, killed):
        return {
            "text": f"{killed} killed, says {party} ({n})",
            "language": "en",
            "claimant": party,
            "event": "nk-2023-09",
            "occurred_on": "2023-09-19",
            "casualty_figures": [{"category": "killed", "qualifier": "exact", "low": killed, "as_of": "2023-09-19"}],
        }

    rows = [toll(n, f"Party {n}", 6) for n in range(12)]
    rows[3] = toll(3, "Local officials", 8)  # cannot be true beside the others' exactly 6
    rows[5] = {"text": "", "language": "en"}  # refused: no text
    with receiving((claim_changed, listen)):
        report = import_claims(editor, parse_json(rows), keep_duplicates=True)

    imported = [result.claim.pk for result in report.imported]
    assert len(imported) == 11
    assert told == [imported[:9], imported[9:]]  # rows 1-10 (one refused), then 11-12
    assert ClaimGrade.objects.filter(claim__in=imported).count() == 11
    eight = report.imported[3].claim.pk
    flagged = ContradictionFlag.objects.values_list("first_claim", "second_claim")
    assert sorted(flagged) == sorted(tuple(sorted((eight, pk))) for pk in imported if pk != eight)


def test_a_claim_rolled_back_after_it_was_written_is_not_told_of(editor, event):
    # A row can fail after its claim was written (a receiver of the claim's
    # submission); its savepoint takes the claim back, and nothing above is
    # told of a claim that is not there.
    told = []

    def listen(sender, claim_ids, **kwargs):
        told.extend(claim_ids)

    def fail_on_the_second(sender, claim, **kwargs):
        if claim.text == "Second":
            raise DatabaseError("refused after writing")

    rows = parse_json([{"text": text, "language": "en"} for text in ("First", "Second", "Third")])
    with receiving((claim_changed, listen), (claim_submitted, fail_on_the_second)):
        report = import_claims(editor, rows)

    assert [result.number for result in report.imported] == [1, 3]
    assert report.failed[0].errors == {"row": ["refused after writing"]}
    assert told == [result.claim.pk for result in report.imported]
    assert list(Claim.objects.values_list("text", flat=True).order_by("pk")) == ["First", "Third"]


def test_rows_whose_claims_trip_up_a_receiver_together_are_taken_again_one_by_one(editor):
    # Told together, one claim a receiver cannot take would take its transaction's other rows down with it.
    def refuse_the_poison(sender, claim_ids, **kwargs):
        if Claim.objects.filter(pk__in=claim_ids, text="Poison").exists():
            raise DatabaseError("the receiver refused it")

    rows = parse_json([{"text": text, "language": "en"} for text in ("First", "Poison", "Third")])
    with receiving((claim_changed, refuse_the_poison)):
        report = import_claims(editor, rows)

    assert [result.number for result in report.imported] == [1, 3]
    assert report.failed[0].errors == {"row": ["the receiver refused it"]}
    assert list(Claim.objects.values_list("text", flat=True).order_by("pk")) == ["First", "Third"]
    assert ClaimGrade.objects.count() == 2
