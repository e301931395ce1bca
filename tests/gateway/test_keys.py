"""API keys: format and checksum, revocation within 5 seconds, rotation with an overlap."""

import time
from datetime import timedelta

import pytest

from billing.keys import generate_key, hash_key, is_well_formed, revoke_key, rotate_key
from billing.models import ApiKey
from tests.bento.conftest import SETOSA
from tests.gateway.conftest import problem_of

pytestmark = pytest.mark.gateway


def test_keys_carry_their_mode_and_a_checksum():
    live, test = generate_key(), generate_key(ApiKey.Mode.TEST)
    assert live.startswith("mk_live_") and test.startswith("mk_test_")
    assert is_well_formed(live) and is_well_formed(test)
    assert not is_well_formed(live[:-1])
    assert not is_well_formed(live[:-1] + ("x" if live[-1] != "x" else "y"))
    assert not is_well_formed(live.replace("mk_live_", "mk_test_"))
    assert not is_well_formed("sk_live_" + live[8:])


def test_only_the_hash_and_a_prefix_are_stored(served):
    stored = ApiKey.objects.get(pk=served.api_key.pk)
    assert stored.key_hash == hash_key(served.key) and served.key not in stored.key_hash
    assert served.key.startswith(stored.prefix) and len(stored.prefix) < len(served.key) // 2


def refused_within_five_seconds(gateway, served, since: float):
    while True:
        response = gateway.post(served.path, json=SETOSA, headers=served.auth)
        if response.status_code != 200:
            return response
        assert time.monotonic() - since < 5, "still served 5 s after the change"
        time.sleep(0.2)


def test_a_revoked_key_is_refused_within_five_seconds(gateway, served):
    assert gateway.post(served.path, json=SETOSA, headers=served.auth).status_code == 200
    revoke_key(served.api_key)
    response = refused_within_five_seconds(gateway, served, time.monotonic())
    assert problem_of(response)["error_code"] == "key_revoked"


def test_revocation_without_telling_the_cache_still_lands_within_five_seconds(gateway, served):
    from django.utils import timezone

    assert gateway.post(served.path, json=SETOSA, headers=served.auth).status_code == 200
    ApiKey.objects.filter(pk=served.api_key.pk).update(revoked_at=timezone.now())
    response = refused_within_five_seconds(gateway, served, time.monotonic())
    assert problem_of(response)["error_code"] == "key_revoked"


def test_a_rotated_key_works_during_its_overlap_then_stops(gateway, served):
    new_key, new_raw = rotate_key(served.api_key, timedelta(seconds=3))
    new_auth = {"Authorization": f"Bearer {new_raw}"}

    assert gateway.post(served.path, json=SETOSA, headers=served.auth).status_code == 200
    assert gateway.post(served.path, json=SETOSA, headers=new_auth).status_code == 200
    time.sleep(3.2)

    old = gateway.post(served.path, json=SETOSA, headers=served.auth)
    assert old.status_code == 401 and problem_of(old)["error_code"] == "key_revoked"
    assert "rotated" in old.json()["detail"]
    assert gateway.post(served.path, json=SETOSA, headers=new_auth).status_code == 200
    assert new_key.name == served.api_key.name and new_key.prefix == new_raw[:12]


def test_calls_that_find_a_key_s_copy_expired_share_one_read(transactional_db, monkeypatch):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import sync_to_async
    from django.db import connections

    from billing import hotcache, keys
    from serving import gateway
    from serving.gateway_clients import Clients
    from tests.factories import make_entry, make_publisher
    from tests.gateway.conftest import subscribe

    now = [1000.0]
    monkeypatch.setattr(hotcache.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(hotcache, "_local", hotcache.Copies())
    reads = []

    def counted(key_hash):
        reads.append(key_hash)
        return keys.load_key_state(key_hash)

    monkeypatch.setattr(gateway, "load_key_state", counted)
    _, subscription, api_key, key = subscribe(make_entry(make_publisher()))
    no_redis = Clients(redis=None, http=None, admitter=None)

    def states(calls: int):
        async def gather():
            found = await asyncio.gather(
                *(gateway._key_state(no_redis, hash_key(key)) for _ in range(calls))
            )
            await sync_to_async(connections.close_all)()  # the lookups' thread's connection
            return found

        with ThreadPoolExecutor(1) as pool:  # a loop of its own, whatever runs in this thread
            return pool.submit(asyncio.run, gather()).result()

    assert {state.key_id for state in states(16)} == {api_key.id}  # never read: one read
    assert len(reads) == 1
    now[0] += hotcache.FRESH_SECONDS + 1  # idle: the copy expired
    revoke_key(api_key)
    assert {state.status for state in states(16)} == {"revoked"}
    assert len(reads) == 2
