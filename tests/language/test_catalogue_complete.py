"""Every message in the code has a German translation, and none is fuzzy.

The messages are extracted afresh (makemessages on a copy of the source, merged with the committed
German catalogue, exactly as a developer would run it); any new message then shows up untranslated.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
SKIP = shutil.ignore_patterns(".venv", ".git", ".data", "tests", "bench", "test-artifacts",
                              "staticfiles", "media", "__pycache__", "*.mo", ".pytest_cache",
                              ".ruff_cache", ".hypothesis", "node_modules")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> polib.POFile:
    if shutil.which("msgfmt") is None or shutil.which("xgettext") is None:
        pytest.fail("gettext is not installed (apt-get install gettext)")
    copy = tmp_path_factory.mktemp("source") / "src"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    env = {**os.environ, "SECRET_KEY": "makemessages-only"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "de", "--no-obsolete",
         "--no-location", "--no-wrap", "-v", "0"],
        cwd=copy, env=env, check=True, capture_output=True, timeout=300)
    return polib.pofile(str(copy / "locale" / "de" / "LC_MESSAGES" / "django.po"))


def test_the_german_catalogue_is_committed():
    assert COMMITTED.exists(), "locale/de/LC_MESSAGES/django.po is missing"


def test_every_message_in_the_code_has_a_german_translation(extracted):
    missing = [entry.msgid for entry in extracted.untranslated_entries()
               if not entry.obsolete]
    assert not missing, (
        f"{len(missing)} message(s) without a German translation (run `manage.py makemessages "
        f"-l de` and translate them in locale/de/LC_MESSAGES/django.po):\n"
        + "\n".join(missing[:60]))


def test_no_german_translation_is_fuzzy(extracted):
    fuzzy = [entry.msgid for entry in extracted.fuzzy_entries() if not entry.obsolete]
    assert not fuzzy, "fuzzy German translations (check and remove the fuzzy flag):\n" + "\n".join(
        fuzzy[:60])


def test_placeholders_survive_translation():
    """A German text that drops or renames a %(name)s placeholder would crash or mislead."""
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    wrong = []
    for entry in polib.pofile(str(COMMITTED)):
        if entry.msgstr and not entry.obsolete:
            found = sorted(placeholder.findall(entry.msgstr))
            if sorted(placeholder.findall(entry.msgid)) != found:
                wrong.append(f"{entry.msgid!r} -> {entry.msgstr!r}")
            continue
        if entry.msgid_plural and entry.msgstr_plural:
            expected = sorted(placeholder.findall(entry.msgid_plural))
            for text in entry.msgstr_plural.values():
                if sorted(placeholder.findall(text)) != expected and sorted(
                        placeholder.findall(text)) != sorted(placeholder.findall(entry.msgid)):
                    wrong.append(f"{entry.msgid!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)
