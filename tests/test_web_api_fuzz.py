"""The REST API fuzzed from its own OpenAPI document (schemathesis): whatever it is
sent, it answers without a server error, as a signed-in admin and anonymously."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.test_web import EMAIL, community  # noqa: F401 (the shared fixture)
from veille import users
from veille.store import Store
from veille.web import create_app


def test_the_api_never_answers_with_a_server_error(community: Path, tmp_path: Path) -> None:  # noqa: F811
    shutil.copy(community, tmp_path / "fuzzed.db")
    with Store(str(tmp_path / "fuzzed.db")) as store:
        token = users.new_token(store.engine, EMAIL["admin"], "fuzz")
        schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(store))
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 15
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=25, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))  # fmt: skip
            def fuzz(case: Any) -> None:
                answer = case.call(headers={"Authorization": f"Bearer {token}"})
                assert answer.status_code < 500, (case.method, case.formatted_path, answer.text[:300])
                anonymous = case.call()
                assert anonymous.status_code in (401, 404, 405, 422), (case.method, case.formatted_path)

            fuzz()
