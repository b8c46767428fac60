"""The page's scenarios for these tests: the shipped classroom scenario and its neighbours, found
from the repository root rather than the working directory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from exodus.app.catalogue import CLASSROOM_SCALE, build_catalogue
from exodus.app.classroom import use_catalogue
from tests.conftest import SCENARIOS


@pytest.fixture(autouse=True)
def classroom_catalogue() -> Iterator[None]:
    use_catalogue(build_catalogue(SCENARIOS / "classroom.yaml", CLASSROOM_SCALE))
    yield
    use_catalogue(None)
