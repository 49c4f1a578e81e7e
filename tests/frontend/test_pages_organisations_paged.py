"""The NGO list grows with the cities: 20 a page, with page links."""

from tests.factories import OrganisationFactory


def test_the_organisations_page_is_paginated(db, client, arak):
    for n in range(23):
        OrganisationFactory(city=arak, name=f"انجمن شماره {n:02d}", status="verified")
    first = client.get("/organisations/").content.decode()
    assert first.count('data-testid="organisation"') == 20
    assert 'data-testid="pagination"' in first
    second = client.get("/organisations/?page=2").content.decode()
    assert second.count('data-testid="organisation"') == 3
    # A page past the end shows the last page, not an error.
    assert client.get("/organisations/?page=99").status_code == 200
