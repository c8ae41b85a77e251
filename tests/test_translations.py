"""Every page reads whole in Chinese: each message the code and templates
mark for translation is in the Chinese catalogue, translated (none left
empty or fuzzy), and the compiled catalogue the server reads says the same."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def live_entries(catalogue):
    return [entry for entry in catalogue if not entry.obsolete and entry.msgid]


def test_every_message_of_the_catalogue_is_translated():
    untranslated = [
        entry.msgid for entry in live_entries(polib.pofile(CATALOGUE)) if not entry.translated() or entry.fuzzy
    ]
    assert untranslated == []


def test_the_compiled_catalogue_is_the_catalogue():
    compiled = {(entry.msgctxt, entry.msgid): entry for entry in polib.mofile(CATALOGUE.with_suffix(".mo"))}
    stale = []
    for entry in live_entries(polib.pofile(CATALOGUE)):
        found = compiled.get((entry.msgctxt, entry.msgid))
        if found is None or (found.msgstr, found.msgstr_plural) != (entry.msgstr, entry.msgstr_plural):
            stale.append(entry.msgid)
    assert stale == [], "run: msgfmt -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext")
def test_the_catalogue_holds_every_message_the_code_marks(tmp_path):
    """makemessages, run over a copy of the project, finds no message the catalogue lacks."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "test-artifacts", "node_modules", "__pycache__", ".run"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    ours = {entry.msgid for entry in live_entries(polib.pofile(CATALOGUE))}
    marked = {entry.msgid for entry in live_entries(polib.pofile(copy / CATALOGUE.relative_to(ROOT)))}
    assert sorted(marked - ours) == [], "run: manage.py makemessages -l zh_Hans, then translate what it added"
