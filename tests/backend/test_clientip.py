"""One client address for every limit: X-Forwarded-For only from a trusted proxy."""

import pytest
from django.test import RequestFactory

from backend.clientip import client_address


def request(peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_header_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


@pytest.mark.parametrize("spoofed", ["1.1.1.1", "2.2.2.2", "3.3.3.3, 4.4.4.4", "garbage"])
def test_rotating_header_from_an_untrusted_peer_changes_nothing(settings, spoofed):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request("203.0.113.5", spoofed)) == "203.0.113.5"


def test_trusted_peer_gives_the_rightmost_untrusted_hop(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.7"]
    # The client wrote "9.9.9.9" itself; the proxy appended the address it saw.
    assert client_address(request("10.0.0.2", "9.9.9.9, 198.51.100.4")) == "198.51.100.4"
    # Two trusted proxies in a row are skipped.
    chain = "9.9.9.9, 198.51.100.4, 192.0.2.7"
    assert client_address(request("10.0.0.2", chain)) == "198.51.100.4"


def test_rotating_the_left_part_behind_a_trusted_proxy_changes_nothing(settings):
    settings.TRUSTED_PROXIES = "10.0.0.1"
    seen = {
        client_address(request("10.0.0.1", f"{n}.{n}.{n}.{n}, 198.51.100.4")) for n in range(1, 30)
    }
    assert seen == {"198.51.100.4"}


def test_asgi_scope_and_ipv6(settings):
    settings.TRUSTED_PROXIES = ["::1"]
    scope = {"client": ("::1", 5000), "headers": [(b"x-forwarded-for", b"2001:db8::5")]}
    assert client_address(scope) == "2001:db8::5"
    assert client_address({"client": ("198.51.100.9", 1), "headers": []}) == "198.51.100.9"
    assert client_address({"client": None, "headers": []}) is None


def test_settings_refuse_a_bad_proxy_entry():
    from tests.backend.test_settings_modes import load_settings

    result = load_settings(TRUSTED_PROXIES="10.0.0.0/8,not-an-address")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr
