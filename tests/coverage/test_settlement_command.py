"""``manage.py settlement_preview``: JSON in (a file or stdin), the settlement out as JSON, and one
line naming the field for any input it cannot use."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

BASE_DIR = Path(__file__).resolve().parents[2]
MISSING = object()

EXAMPLE_1 = {
    "sum_insured": "100000.00",
    "deductible": "1000.00",
    "sublimits": {"security_analysis": "2500.00"},
    "lines": [
        {"category": "forensics", "amount": "8000.00"},
        {"category": "security_analysis", "amount": "4000.00"},
        {"category": "emergency_assistance", "amount": "1500.00"},
    ],
}


def preview_file(document, tmp_path) -> dict:
    path = tmp_path / "claim.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    out = io.StringIO()
    call_command("settlement_preview", str(path), stdout=out)
    return json.loads(out.getvalue())


def preview_stdin(text: str) -> dict:
    out = io.StringIO()
    call_command("settlement_preview", "-", stdin=io.StringIO(text), stdout=out)
    return json.loads(out.getvalue())


def preview_error(document) -> str:
    text = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(CommandError) as error:
        preview_stdin(text)
    message = str(error.value)
    assert "\n" not in message
    return message


def test_worked_example_from_a_file_prints_the_settlement(tmp_path):
    assert preview_file(EXAMPLE_1, tmp_path) == {
        "covered": "12000.00",
        "uncovered": "1500.00",
        "deductible": "1000.00",
        "claim_total": "11000.00",
        "due": "11000.00",
        "payable": "11000.00",
        "aggregate_remaining": "189000.00",
        "limited_by": ["sublimit"],
    }


def test_worked_example_from_stdin():
    assert preview_stdin(json.dumps(EXAMPLE_1))["payable"] == "11000.00"


def test_omitted_deductible_exempt_means_emergency_assistance_is_exempt():
    document = {
        "sum_insured": "100000.00",
        "deductible": "1000.00",
        "lines": [{"category": "emergency_assistance", "amount": "1500.00"}],
    }
    assert preview_stdin(json.dumps(document))["deductible"] == "0.00"
    document["deductible_exempt"] = []
    assert preview_stdin(json.dumps(document))["deductible"] == "1000.00"


def test_worked_example_aggregate_exhausted():
    result = preview_stdin(
        json.dumps(
            {
                "sum_insured": "500000.00",
                "deductible": "1000.00",
                "aggregate_committed": "950000.00",
                "lines": [{"category": "restoration", "amount": "120000.00"}],
            }
        )
    )
    assert result["claim_total"] == "119000.00"
    assert result["payable"] == "50000.00"
    assert result["aggregate_remaining"] == "0.00"
    assert result["limited_by"] == ["aggregate"]


@pytest.mark.parametrize(("loss", "payable"), [("3200.00", "16800.00"), ("400.00", "19000.00")])
def test_worked_example_business_interruption(loss, payable):
    document = {
        "sum_insured": "100000.00",
        "deductible": "1000.00",
        "deductible_rule": "first_8_hours",
        "first_8_hours_loss": loss,
        "lines": [{"category": "interruption_loss", "amount": "20000.00"}],
    }
    assert preview_stdin(json.dumps(document))["payable"] == payable


def test_worked_example_capped_per_loss():
    result = preview_stdin(
        '{"sum_insured": 100000, "deductible": 1000,'
        ' "lines": [{"category": "restoration", "amount": 150000.00}]}'
    )
    assert result["payable"] == "100000.00"
    assert result["limited_by"] == ["per_loss"]


def test_claim_committed_gives_only_the_difference():
    document = dict(EXAMPLE_1, claim_committed="10000.00", aggregate_committed="10000.00")
    result = preview_stdin(json.dumps(document))
    assert (result["due"], result["payable"]) == ("1000.00", "1000.00")


def test_json_numbers_are_read_exactly_never_as_floats():
    document = (
        '{"sum_insured": 100000, "deductible": 0, "sublimits": {},'
        ' "lines": [{"category": "forensics", "amount": 0.1},'
        ' {"category": "forensics", "amount": 0.2}]}'
    )
    assert preview_stdin(document)["payable"] == "0.30"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"lines": [{"category": "forensics", "amount": "-1.00"}]}, "lines[0].amount: must not be"),
        (
            {"lines": [{"category": "a", "amount": "1"}, {"category": "b", "amount": "1.005"}]},
            "lines[1].amount: more than 2 decimal places",
        ),
        (
            {"lines": [{"category": "forensics", "amount": 1.005}]},
            "lines[0].amount: more than 2 decimal places",
        ),
        (
            {"lines": [{"category": "forensics", "amount": "1.500"}]},
            "lines[0].amount: more than 2 decimal places",
        ),
        ({"lines": [{"category": "forensics", "amount": "abc"}]}, "lines[0].amount: not an amount"),
        (
            {"lines": [{"category": "forensics", "amount": "8,000.00"}]},
            "lines[0].amount: not an amount",
        ),
        ({"lines": [{"category": "forensics", "amount": "NaN"}]}, "lines[0].amount: not an amount"),
        ({"lines": [{"category": "forensics", "amount": True}]}, "lines[0].amount: must be an"),
        ({"lines": [{"category": "forensics"}]}, "lines[0].amount: required"),
        ({"lines": [{"amount": "1.00"}]}, "lines[0].category: required"),
        ({"lines": [{"category": 7, "amount": "1.00"}]}, "lines[0].category: must be"),
        ({"lines": ["forensics"]}, "lines[0]: must be"),
        ({"lines": [{"category": "x", "amount": "1", "vat": "0"}]}, "lines[0].vat: unknown field"),
        ({"lines": {"category": "forensics"}}, "lines: must be a list"),
        ({"lines": MISSING}, "lines: required"),
        ({"lines": None}, "lines: required"),
        ({"sum_insured": MISSING}, "sum_insured: required"),
        ({"deductible": MISSING}, "deductible: required"),
        ({"deductible": "1e-3"}, "deductible: more than 2 decimal places"),
        ({"deductible_rule": "hourly"}, "deductible_rule: unknown rule 'hourly'"),
        ({"deductible_rule": "first_8_hours"}, "first_8_hours_loss: required"),
        ({"first_8_hours_loss": "3200.00"}, "first_8_hours_loss: only used with"),
        ({"aggregate_factor": "2"}, "aggregate_factor: must be a whole number"),
        ({"aggregate_factor": 0}, "aggregate_factor: must be from 1"),
        ({"sublimits": {"security_analysis": "x"}}, "sublimits.security_analysis: not an amount"),
        ({"sublimits": ["security_analysis"]}, "sublimits: must be an object"),
        ({"deductible_exempt": "emergency_assistance"}, "deductible_exempt: must be a list"),
        ({"deductible_exempt": ["a", ""]}, "deductible_exempt[1]: must be a category code"),
        ({"aggregate_committed": "-5"}, "aggregate_committed: must not be negative"),
        ({"claim_committed": [1]}, "claim_committed: must be an amount"),
        ({"deductable": "1000.00"}, "deductable: unknown field"),
    ],
)
def test_invalid_input_is_one_line_naming_the_field(change, expected):
    document = {key: value for key, value in (EXAMPLE_1 | change).items() if value is not MISSING}
    assert preview_error(document).startswith(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "input: not valid JSON: Expecting value at line 1 column 1"),
        ('{"sum_insured": ', "input: not valid JSON"),
        ("[1, 2]", "input: must be a JSON object"),
        ('{"sum_insured": NaN}', "input: not valid JSON: NaN is not a number"),
    ],
)
def test_input_that_is_not_a_json_object_is_refused(text, expected):
    assert preview_error(text).startswith(expected)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"^file: cannot read '.*nothing.json'"):
        call_command("settlement_preview", str(tmp_path / "nothing.json"), stdout=io.StringIO())


def test_invalid_input_exits_non_zero_with_one_line_on_stderr():
    document = dict(EXAMPLE_1, lines=[{"category": "forensics", "amount": "-1"}])
    result = subprocess.run(
        [sys.executable, "manage.py", "settlement_preview", "-"],
        cwd=BASE_DIR,
        input=json.dumps(document),
        env=os.environ | {"CLAIMS_TESTING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["CommandError: lines[0].amount: must not be negative"]
