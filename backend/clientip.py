"""The one answer to "which client sent this?", for every per-address limit.

`client_address(request_or_scope)` takes a Django request (or DRF request) or an ASGI scope.
It starts from the direct peer (REMOTE_ADDR / scope["client"]). Only when that peer is one of
`settings.TRUSTED_PROXIES` (comma-separated addresses or CIDR ranges, default none) is
`X-Forwarded-For` read, right to left, skipping hops that are themselves trusted proxies: the
first untrusted hop is the client. Entries a client wrote further left are never believed, so
rotating the header changes nothing. With no trusted proxies the header is ignored entirely.

Behind a carrier NAT or one shared proxy many people share one address and therefore one
per-address budget; the per-number and per-account limits are the main defence there.
"""

import ipaddress
from functools import cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(raw: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in raw)


def trusted_networks() -> tuple[Network, ...]:
    raw = getattr(settings, "TRUSTED_PROXIES", ())
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",") if part.strip()]
    return _networks(tuple(raw))


def _parse(value) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = str(value or "").strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def _peer_and_forwarded(request_or_scope) -> tuple[str | None, str]:
    if isinstance(request_or_scope, dict):  # an ASGI scope
        client = request_or_scope.get("client") or (None, None)
        forwarded = [
            value.decode("latin1")
            for key, value in request_or_scope.get("headers", [])
            if key.lower() == b"x-forwarded-for"
        ]
        return client[0], ",".join(forwarded)
    meta = request_or_scope.META
    return meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR", "")


def client_address(request_or_scope) -> str | None:
    """The client's address as a string, or None when the peer's address is unknown."""
    peer_raw, forwarded = _peer_and_forwarded(request_or_scope)
    peer = _parse(peer_raw)
    if peer is None:
        return None
    networks = trusted_networks()
    if not networks or not _trusted(peer, networks):
        return str(peer)
    client = peer
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _parse(hop)
        if address is None:  # garbage in the chain: stop at the last hop we could read
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
