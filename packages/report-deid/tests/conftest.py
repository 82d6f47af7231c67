"""Shared fixtures: one scrubber per session (it compiles every rule once) and a network guard."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from report_deid import Scrubber


@pytest.fixture(scope="session")
def scrubber() -> Scrubber:
    return Scrubber()


@pytest.fixture(scope="session")
def covered(scrubber: Scrubber) -> Callable[[str, str], bool]:
    """``covered(text, part)``: whether every character of ``part`` (its first occurrence in ``text``) lies
    inside some detection of the session's scrubber."""

    def is_covered(text: str, part: str) -> bool:
        start = text.index(part)
        mask = [False] * len(text)
        for d in scrubber.detect(text):
            mask[d.start : d.end] = [True] * (d.end - d.start)
        return all(mask[start : start + len(part)])

    return is_covered


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
