"""The migration that moves each check's text into the stored texts loses
not a byte of any text, shares one row per distinct text, and gives every
text back when unapplied."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("sources", "0005_stored_texts")]
AFTER = [("sources", "0007_remove_sourcecheck_text")]

TEXTS = [
    "据当地亚美尼亚人说，至少27人死亡，200人受伤\n\n第二段",
    "A page\r\nwith CRLF, trailing space \t and 🙂 beyond the BMP",
    "",
    "据当地亚美尼亚人说，至少27人死亡，200人受伤\n\n第二段",  # the first text again
    "x" * 300_000,
]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_texts_move_into_stored_texts_without_losing_a_byte_and_come_back():
    old = _migrate(BEFORE)
    source = old.get_model("sources", "Source").objects.create(url="https://example.org/a")
    check_model = old.get_model("sources", "SourceCheck")
    now = timezone.now()
    made = [
        check_model.objects.create(
            source=source, requested_at=now.replace(microsecond=n), started_at=now, outcome="ok", text=text
        ).pk
        for n, text in enumerate(TEXTS)
    ]
    failed = check_model.objects.create(
        source=source, requested_at=now.replace(microsecond=99), started_at=now, outcome="timeout"
    ).pk

    new = _migrate(AFTER)
    checks = new.get_model("sources", "SourceCheck").objects.select_related("stored_text").in_bulk([*made, failed])
    assert [checks[pk].stored_text.text for pk in made] == TEXTS
    assert checks[made[0]].stored_text_id == checks[made[3]].stored_text_id
    assert new.get_model("sources", "StoredText").objects.count() == len(set(TEXTS))
    assert checks[failed].stored_text_id is None

    back = _migrate(BEFORE)
    texts = dict(back.get_model("sources", "SourceCheck").objects.values_list("pk", "text"))
    assert [texts[pk] for pk in made] == TEXTS
    assert texts[failed] == ""
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
