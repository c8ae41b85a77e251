"""English words are searched by their stem ("mine" finds "mines", "killed"
finds "killing"), on both databases; Chinese is searched by its character
bigrams as before, and numbers stay as they are."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from claims.models import Claim
from claims.search import search_claims, tokenize

pytestmark = pytest.mark.django_db


def found(query: str) -> set[str]:
    return set(search_claims(Claim.objects.all(), query).values_list("text", flat=True))


@pytest.fixture
def claims(claim_factory):
    claim_factory(text="Six people were killed by mines near the border")
    claim_factory(text="Shelling kept killing civilians in the town")
    claim_factory(text="阿塞拜疆称有6人因地雷爆炸而丧生", language="zh")
    claim_factory(text="At least 27 dead, 200 injured", translation="")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mine", {"Six people were killed by mines near the border"}),
        ("Mines", {"Six people were killed by mines near the border"}),
        (
            "killed",
            {"Six people were killed by mines near the border", "Shelling kept killing civilians in the town"},
        ),
        ("kill civilian", {"Shelling kept killing civilians in the town"}),
        ("地雷", {"阿塞拜疆称有6人因地雷爆炸而丧生"}),
        ("地雷爆炸", {"阿塞拜疆称有6人因地雷爆炸而丧生"}),
        ("27", {"At least 27 dead, 200 injured"}),
        ("2", set()),
    ],
)
def test_a_search_finds_the_claims_by_stem(claims, query, expected):
    assert found(query) == expected


def test_chinese_tokens_and_numbers_are_not_stemmed():
    assert tokenize("地雷爆炸 27 killings") == ["地雷", "雷爆", "爆炸", "27", "kill"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_stems_the_tokens_stored_before():
    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(target)
        return executor.loader.project_state(target).apps

    old = migrate([("claims", "0016_vanished_flags")])
    submitter = old.get_model("auth", "User").objects.create(username="before-stemming")
    claim = old.get_model("claims", "Claim").objects.create(
        text="Killed by mines", language="en", submitter=submitter, search_tokens="killed by mines"
    )
    new = migrate([("claims", "0017_stemmed_search_tokens")])
    assert new.get_model("claims", "Claim").objects.get(pk=claim.pk).search_tokens == "kill by mine"
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert found("mine") == {"Killed by mines"}
