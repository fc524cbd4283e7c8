"""Fixtures for the reliability tests (helpers live in rel_helpers.py)."""
from __future__ import annotations

import socket

import pytest


@pytest.fixture
def net_attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Block every way of reaching the network; the list records what was tried."""
    attempts: list[str] = []

    def refuse(what: str):
        def _refuse(*args: object, **kwargs: object):
            attempts.append(f"{what}{args[1:] if what.startswith('socket.') else args}")
            raise OSError(f"network blocked by test: {what}")
        return _refuse

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket.socket, "sendto", refuse("socket.sendto"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    return attempts

