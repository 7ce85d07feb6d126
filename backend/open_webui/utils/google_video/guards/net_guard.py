"""Outbound request guard for URLs that come from users or from the relay's answers.

The check runs where the connection is made (an httpcore network backend), so it covers every
redirect hop and DNS name, and the socket goes to the exact address that was checked: a name
that resolves to a public address during the check cannot be re-resolved to a private one.
"""

import asyncio
import ipaddress
import logging
import socket
from typing import Callable, Iterable, Optional
from urllib.parse import urlsplit

import httpcore
import httpx

from open_webui.utils.google_video import settings

log = logging.getLogger(__name__)

# Test-only: "ip:port" pairs that may be reached although private (the test suite's stand-in for
# the internet lives on 127.0.0.1). Read from the environment only; no endpoint can change it.
MAX_REDIRECTS = 5
MAX_URL_LENGTH = 2048
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BlockedAddressError(Exception):
    """The URL leads to an address the module must not contact on a user's behalf."""


def check_url_form(url: str) -> str:
    """The parts of a URL that can be judged without the network: http(s), a host, no credentials."""
    if len(url) > MAX_URL_LENGTH:
        raise BlockedAddressError("the URL is too long")
    try:
        parts = urlsplit(url)
        parts.port  # raises on a malformed port
    except ValueError:
        raise BlockedAddressError("the URL is malformed")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedAddressError("only http(s) URLs are allowed")
    if parts.username or parts.password:
        raise BlockedAddressError("URLs must not contain credentials")
    return url


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> Optional[ipaddress.IPv4Address]:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(value: str) -> bool:
    """True only for globally routable unicast addresses (no private, loopback, link-local,
    metadata, multicast, reserved or unspecified ones, however they are spelled)."""
    try:
        ip = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None and not is_public_address(str(inner)):
            return False
    return ip.is_global and not ip.is_multicast


def parse_allow_list(value: str) -> frozenset[tuple[str, int]]:
    pairs = set()
    for item in filter(None, (p.strip() for p in value.split(","))):
        host, _, port = item.rpartition(":")
        pairs.add((host.strip("[]"), int(port)))
    return frozenset(pairs)


def test_allow_list_from_env() -> frozenset[tuple[str, int]]:
    allowed = parse_allow_list(settings.TEST_ALLOW_FETCH_FROM)
    if allowed:
        log.warning("google video: GOOGLE_VIDEO_TEST_ALLOW_FETCH_FROM lets the module fetch from %d private "
                    "address(es); use only in tests", len(allowed))
    return allowed


async def resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """Resolves once, refuses if any address is not public, then connects to that address.

    `trusted` names (host, port) endpoints that skip the check: the admin-configured relay.
    """

    def __init__(
        self,
        allowed: Iterable[tuple[str, int]] = (),
        trusted: Callable[[], Iterable[tuple[str, int]]] = lambda: (),
        resolver=resolve,
    ):
        self._inner = httpcore.AnyIOBackend()
        self._allowed = frozenset(allowed)
        self._trusted = trusted
        self._resolver = resolver

    async def checked_address(self, host: str, port: int) -> str:
        if (host, port) in set(self._trusted()):
            return host
        try:
            addresses = await self._resolver(host, port)
        except OSError:
            raise BlockedAddressError(f"the host name {host!r} could not be resolved")
        if not addresses:
            raise BlockedAddressError(f"the host name {host!r} could not be resolved")
        for address in addresses:
            if not is_public_address(address) and (address, port) not in self._allowed:
                raise BlockedAddressError(f"{host!r} leads to a private or reserved address")
        return addresses[0]

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        address = await self.checked_address(host, port)
        return await self._inner.connect_tcp(
            address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise BlockedAddressError("unix sockets are not reachable from user input")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_client(backend: GuardedNetworkBackend, timeout: httpx.Timeout) -> httpx.AsyncClient:
    """An httpx client whose every connection goes through `backend` (no proxies from the environment)."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx has no public hook for the network backend; its pool is rebuilt with the guard.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=32, max_keepalive_connections=8, network_backend=backend,
    )
    return httpx.AsyncClient(
        transport=transport, follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=timeout, trust_env=False
    )
