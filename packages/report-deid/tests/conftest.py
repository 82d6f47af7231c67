"""Shared fixtures: one scrubber per session (it compiles every rule once) and a network guard."""

from __future__ import annotations

import socket

import pytest
from report_deid import Scrubber


@pytest.fixture(scope="session")
def scrubber() -> Scrubber:
    return Scrubber()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Fail any connection to a non-loopback address (and any DNS look-up) made during the test."""
    attempts: list[object] = []
    original = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("::1", "localhost")):
            return original(self, address)
        attempts.append(address)
        raise AssertionError(f"network connection attempted to {address!r}")

    def guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        attempts.append(host)
        raise AssertionError(f"DNS look-up attempted for {host!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return attempts
