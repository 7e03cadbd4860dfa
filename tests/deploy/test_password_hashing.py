"""Passwords: Argon2id at OWASP's cost, older PBKDF2 hashes upgraded at login, and every hash
taken in one of the host's few hash slots, so a login burst cannot take every core from pages.

(The suite itself hashes with MD5 for speed, tests/conftest.py; these tests use the project's
hashers directly, as config/settings.py lists them.)"""

from __future__ import annotations

import threading

from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from config import settings as project_settings
from config.hashers import BoundedArgon2Hasher, BoundedPBKDF2Hasher, hash_slot

PASSWORD = "correct-horse-42"


def test_new_passwords_are_hashed_with_argon2id_at_the_owasp_cost(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    encoded = make_password(PASSWORD)
    # OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB (19456 KiB), t=2, p=1.
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(identify_hasher(encoded), BoundedArgon2Hasher)
    assert check_password(PASSWORD, encoded) and not check_password("wrong-horse", encoded)


def test_an_older_pbkdf2_hash_still_logs_in_and_is_rewritten_as_argon2id(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    old = BoundedPBKDF2Hasher().encode(PASSWORD, "saltsaltsalt", iterations=1000)
    rewritten = []
    assert check_password(PASSWORD, old, setter=lambda raw: rewritten.append(make_password(raw)))
    assert rewritten and rewritten[0].startswith("argon2$argon2id$")


def test_a_hash_waits_while_every_slot_is_taken(settings, tmp_path):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    settings.PASSWORD_HASH_SLOTS = 1
    settings.PASSWORD_HASH_SLOT_DIR = str(tmp_path)
    encoded = make_password(PASSWORD)
    result = []
    login = threading.Thread(target=lambda: result.append(check_password(PASSWORD, encoded)))
    with hash_slot():  # another process's login holds the only slot
        login.start()
        login.join(timeout=1)
        assert login.is_alive() and not result  # still waiting, nothing hashed
    login.join(timeout=10)
    assert result == [True]  # the slot freed, the login went through


def test_two_slots_let_two_hashes_run_at_once(settings, tmp_path):
    settings.PASSWORD_HASH_SLOTS = 2
    settings.PASSWORD_HASH_SLOT_DIR = str(tmp_path)
    taken = []

    def second():
        with hash_slot():
            taken.append(True)

    with hash_slot():
        inner = threading.Thread(target=second)
        inner.start()
        inner.join(timeout=5)
        assert taken == [True]  # took the second slot without waiting for the first
