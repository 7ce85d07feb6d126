"""The outbound guard's address rules and connection pinning, as plain functions."""

import asyncio
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "backend"))
from google_video_bootstrap import extend_package_path  # noqa: E402

extend_package_path()

from open_webui.utils.google_video.guards.net_guard import (  # noqa: E402
    BlockedAddressError,
    GuardedNetworkBackend,
    guarded_client,
    is_public_address,
    parse_allow_list,
)
from public_site import Site  # noqa: E402


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.0.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "255.255.255.255", "198.18.0.1", "::1", "::", "fe80::1", "fe80::1%eth0", "fc00::1", "fd00:ec2::254",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::", "2002:a00:1::", "64:ff9b::7f00:1", "ff02::1",
    "2001:db8::1", "not-an-ip",
])
def test_non_public_addresses_are_refused(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])
def test_public_addresses_pass(address):
    assert is_public_address(address)


def test_allow_list_parses_ipv4_and_ipv6_pairs():
    assert parse_allow_list("127.0.0.1:8080, [::1]:9000,") == {("127.0.0.1", 8080), ("::1", 9000)}


def fixed_resolver(*answers):
    calls = []

    async def resolve(host, port):
        calls.append(host)
        return answers[min(len(calls), len(answers)) - 1]

    resolve.calls = calls
    return resolve


def test_a_name_with_any_private_address_is_refused():
    backend = GuardedNetworkBackend(resolver=fixed_resolver(["93.184.216.34", "10.0.0.7"]))
    with pytest.raises(BlockedAddressError):
        asyncio.run(backend.checked_address("mixed.example", 80))


def test_the_connection_goes_to_the_address_that_was_checked():
    """DNS rebinding: the name answers an allowed address once, then a forbidden one. The guard
    resolves once per connection and connects to what it checked, so the second answer is never used."""
    site = Site().start()
    try:
        resolver = fixed_resolver(["127.0.0.1"], ["10.0.0.1"])
        backend = GuardedNetworkBackend(allowed={("127.0.0.1", site.port)}, resolver=resolver)

        async def fetch():
            async with guarded_client(backend, httpx.Timeout(5)) as client:
                return (await client.get(f"http://rebind.example:{site.port}/image.png")).status_code

        assert asyncio.run(fetch()) == 200
        assert resolver.calls == ["rebind.example"] and site.hits["/image.png"] == 1
    finally:
        site.stop()


def test_trusted_endpoints_skip_the_check_only_for_their_own_port():
    backend = GuardedNetworkBackend(trusted=lambda: {("127.0.0.1", 9000)}, resolver=fixed_resolver(["127.0.0.1"]))
    assert asyncio.run(backend.checked_address("127.0.0.1", 9000)) == "127.0.0.1"
    with pytest.raises(BlockedAddressError):
        asyncio.run(backend.checked_address("127.0.0.1", 9001))
