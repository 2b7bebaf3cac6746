"""``manage.py premium_quote FILE``: JSON in, JSON out, one line naming the field on bad input."""

import io
import json
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

pytestmark = pytest.mark.django_db

MINIMUM = {
    "product": "cyber",
    "revenue": "80000",
    "sum_insured": "100000",
    "addons": [],
    "deductible": "1000",
    "term_years": 3,
    "it_security_discount": True,
}


def run(tmp_path, text: str) -> str:
    path = tmp_path / "request.json"
    path.write_text(text)
    out = io.StringIO()
    call_command("premium_quote", str(path), stdout=out)
    return out.getvalue()


def test_prints_the_seed_minimum_premium_as_json(tmp_path):
    output = run(tmp_path, json.dumps(MINIMUM))
    assert json.loads(output) == {
        "years": [
            {"year": 1, "premium": "145.80"},
            {"year": 2, "premium": "145.80"},
            {"year": 3, "premium": "162.00"},
        ],
        "total": "453.60",
    }
    assert output.startswith('{"years": [{"year": 1, "premium": "145.80"}')


def test_reads_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({**MINIMUM, "term_years": 1})))
    out = io.StringIO()
    call_command("premium_quote", "-", stdout=out)
    assert json.loads(out.getvalue()) == {
        "years": [{"year": 1, "premium": "162.00"}],
        "total": "162.00",
    }


def test_numbers_in_json_are_read_as_decimals(tmp_path):
    output = run(tmp_path, json.dumps({**MINIMUM, "revenue": 80000}).replace("80000", "80000.50"))
    assert json.loads(output)["total"] == "453.60"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"product": "travel"}, "product"),
        ({"revenue": "eighty"}, "revenue"),
        ({"revenue": "-5"}, "revenue"),
        ({"sum_insured": "123456"}, "sum_insured"),
        ({"deductible": "100"}, "deductible"),
        ({"addons": ["cyber_platinum"]}, "addons"),
        ({"addons": ["itl_rpc"]}, "addons"),
        ({"term_years": 2}, "term_years"),
        ({"term_years": "3"}, "term_years"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_invalid_input_ends_with_one_line_naming_the_field(tmp_path, change, field):
    with pytest.raises(CommandError) as error:
        run(tmp_path, json.dumps({**MINIMUM, **change}))
    message = str(error.value)
    assert message.startswith(f"{field}: ")
    assert "\n" not in message


@pytest.mark.parametrize("field", sorted(MINIMUM))
def test_a_missing_field_is_named(tmp_path, field):
    request = {key: value for key, value in MINIMUM.items() if key != field}
    with pytest.raises(CommandError, match=f"^{field}: missing field$"):
        run(tmp_path, json.dumps(request))


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", ""])
def test_bad_json_is_one_line(tmp_path, text):
    with pytest.raises(CommandError) as error:
        run(tmp_path, text)
    assert str(error.value).startswith("json: ")
    assert "\n" not in str(error.value)


def test_unreadable_file_is_one_line(tmp_path):
    with pytest.raises(CommandError, match="^file: cannot read"):
        call_command("premium_quote", str(tmp_path / "missing.json"))


def test_exit_status_is_non_zero_on_bad_input(tmp_path):
    path = tmp_path / "request.json"
    path.write_text(json.dumps({**MINIMUM, "deductible": "42"}))
    # The child process reads the test database (the catalogue comes from the migrations).
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
    result = subprocess.run(
        [sys.executable, "manage.py", "premium_quote", str(path)],
        capture_output=True, text=True, timeout=120, cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": urlunsplit(url)},
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("CommandError: deductible: ")
