import pytest

from open311.services import client_issue


@pytest.fixture
def issued(arak, city_admin, plan, axis, districts):
    """A client of Arak with its raw key, while Arak's plan asks for problems."""
    client, raw_key = client_issue(
        actor=city_admin, city=arak, name="اپ شهر من", contact="dev@example.com"
    )
    return client, raw_key


@pytest.fixture
def key(issued):
    return issued[1]
