"""The published JSON Schema (docs/rules.schema.json) agrees with the loader and the docs."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema  # in the test extra: missing, it fails, never skips
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "rules.schema.json").read_text(encoding="utf-8"))
JSON_BLOCK = re.compile(r"^```json\n(.*?)^```", re.MULTILINE | re.DOTALL)


def validator() -> Any:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA)


def doc_examples() -> list[tuple[str, Any]]:
    out = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        for i, match in enumerate(JSON_BLOCK.finditer(page.read_text(encoding="utf-8"))):
            data = json.loads(match.group(1))
            if isinstance(data, dict) and ("rules" in data or {"id", "then"} <= set(data)):
                out.append((f"{page.name}[{i}]", data))
    return out


def test_the_demo_rules_validate() -> None:
    text = resources.files("supportkit.data").joinpath("demo_rules.json").read_text("utf-8")
    validator().validate(json.loads(text))


def test_docs_have_rule_examples() -> None:
    assert len(doc_examples()) >= 2


@pytest.mark.parametrize(("where", "data"), doc_examples(), ids=[w for w, _ in doc_examples()])
def test_docs_examples_validate(where: str, data: Any) -> None:
    from supportkit.rules import RuleSet

    document = data if "rules" in data else {"rules": [data]}
    validator().validate(document)
    RuleSet.from_mapping(document, calendars={"office": _Open()})  # the loader agrees


class _Open:
    def is_open(self, at: object) -> bool:
        return True


@pytest.mark.parametrize(
    "document",
    [
        {"rules": [{"id": "a", "when": {"anny": []}, "then": {}}]},
        {"rules": [{"id": "a", "then": {"tag": []}}]},
        {"rules": [{"id": "a"}]},
        {"rulez": []},
        {"rules": [{"id": "a", "then": {}, "when": {"any": [""]}}]},
        {"rules": [], "options": {"gap": 9}},
    ],
)
def test_the_schema_rejects_what_the_loader_rejects(document: Any) -> None:
    from supportkit.exceptions import InvalidRule
    from supportkit.rules import RuleSet

    assert list(validator().iter_errors(document))
    with pytest.raises(InvalidRule):
        RuleSet.from_mapping(document)
