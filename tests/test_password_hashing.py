"""Argon2 holds 64 MiB per hash while it runs: however many people log in at once, only a few hashes run
together, so the server's memory stays bounded (twenty at once took it to 1.1 GiB)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from office.accounts import service as auth


class _CountingHasher:
    """The real PasswordHasher, counting how many of its calls overlap."""

    def __init__(self, real) -> None:
        self.real, self.running, self.most = real, 0, 0
        self.lock = threading.Lock()

    def _counted(self, fn, *args):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            return fn(*args)
        finally:
            with self.lock:
                self.running -= 1

    def hash(self, password):
        return self._counted(self.real.hash, password)

    def verify(self, stored, password):
        return self._counted(self.real.verify, stored, password)


def test_simultaneous_logins_hash_at_most_two_passwords_at_once(monkeypatch):
    stored = auth.hash_password("mật khẩu đủ dài")
    counting = _CountingHasher(auth._hasher)
    monkeypatch.setattr(auth, "_hasher", counting)
    with ThreadPoolExecutor(12) as pool:
        checks = list(pool.map(lambda i: auth.check_password(stored, "mật khẩu đủ dài" if i % 2 else "sai"),
                               range(12)))
        hashes = list(pool.map(lambda i: auth.hash_password(f"mật khẩu số {i}"), range(4)))
    assert checks == [bool(i % 2) for i in range(12)]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert 1 <= counting.most <= 2
