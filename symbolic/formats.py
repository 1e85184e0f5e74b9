"""The JSON Schema files of the public formats (``formats.md``), shipped as package data.

``problem.schema.json`` (``gfcheck.problem/1``) and ``result.schema.json``
(``gfcheck.result/1``), draft 2020-12.  They publish the structure so that other programs can
validate their documents with any JSON Schema validator; gfcheck's own strict readers
(:func:`gfcheck.symbolic.problem.parse_problem`, :func:`gfcheck.numeric.result.parse_result`)
keep their named errors and the semantic checks a schema cannot express (equal row lengths,
zero vectors, orthogonality where a claim assumes it, resource limits).

>>> sorted(SCHEMA_FILES)
['problem', 'result']
>>> json_schema("problem")["$id"]
'urn:gfcheck:schema:problem:1'
"""

from __future__ import annotations

import json
from importlib import resources

__all__ = ["SCHEMA_FILES", "json_schema", "schema_text"]

#: format name -> file name under ``gfcheck/symbolic/schemas/``
SCHEMA_FILES = {"problem": "problem.schema.json", "result": "result.schema.json"}


def schema_text(name: str) -> str:
    """The schema file's text (``name``: ``"problem"`` or ``"result"``)."""
    return resources.files("gfcheck.symbolic").joinpath("schemas", SCHEMA_FILES[name]).read_text("utf-8")


def json_schema(name: str) -> dict:
    """The parsed schema (``name``: ``"problem"`` or ``"result"``)."""
    return json.loads(schema_text(name))
