"""Password hashing: Argon2id at OWASP's cost, on a bounded pool of slots.

A password hash is meant to be slow, and a login burst (a county's preparers all logging in at
nine) would otherwise spend every core on hashes while the people already logged in wait for
their pages. Each hash therefore takes one of `PASSWORD_HASH_SLOTS` slots shared by every
process on the host (lock files in `PASSWORD_HASH_SLOT_DIR`, held with flock): further logins
wait for a slot, asleep, while the remaining cores serve pages. gunicorn runs threaded workers
(gunicorn.conf.py), so a login waiting for a slot holds a thread, not a process.

The hash is Argon2id with m=19 MiB, t=2, p=1, the first of the configurations the OWASP Password
Storage Cheat Sheet recommends (about 30 ms of one core here, against 0.4 s for Django's
PBKDF2 at 1,500,000 iterations). Hashes stored before, PBKDF2-SHA256, are still verified and
rewritten as Argon2id at the user's next login (Django's `must_update`).
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher


@contextmanager
def hash_slot():
    """Hold one of the host's hash slots for the duration (none when the setting is 0)."""
    slots = settings.PASSWORD_HASH_SLOTS
    if not slots:
        yield
        return
    directory = Path(settings.PASSWORD_HASH_SLOT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    try:
        # A free slot if there is one; otherwise wait in line for this thread's own.
        for n in range(slots):
            f = open(directory / f"slot-{n}", "a+b")  # noqa: SIM115 - closed below
            files.append(f)
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                continue
        else:
            fcntl.flock(files[os.getpid() % slots], fcntl.LOCK_EX)
        yield
    finally:
        for f in files:
            f.close()  # releases the lock


class BoundedArgon2Hasher(Argon2PasswordHasher):
    """Argon2id, m=19 MiB, t=2, p=1 (OWASP), hashed and checked within a slot."""

    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1

    def encode(self, password, salt):
        with hash_slot():
            return super().encode(password, salt)

    def verify(self, password, encoded):
        with hash_slot():
            return super().verify(password, encoded)


class BoundedPBKDF2Hasher(PBKDF2PasswordHasher):
    """Checks the PBKDF2-SHA256 hashes stored before Argon2id, within a slot (`verify` and
    `harden_runtime` go through `encode`)."""

    def encode(self, password, salt, iterations=None):
        with hash_slot():
            return super().encode(password, salt, iterations)
