"""Waking workers for committed outbox messages: one wake-up per commit, coalesced across commits.

What is promised (entrypoints/tasks/wake.py): a transaction that writes k messages wakes workers once
with all k; commits that arrive while a push is in flight share the next push; a lost wake-up is
found by the sweeper; and however many times a message was woken, it is handled once.

The commit-level tests run on any database with a recording dispatch. The queue tests run on the
real Redis (each command the server receives is read with MONITOR) and the real PostgreSQL (two
workers racing need row locks).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, transaction

from adapters.django_orm.platform.models import OutboxMessage
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from entrypoints import bootstrap
from entrypoints.tasks import periodic, wake
from entrypoints.tasks.queues import INSTANCES, set_immediate

TOPIC = "test.wake"  # routed to the default queue


class Recorder:
    """A dispatch that remembers each call: one call is one wake-up."""

    def __init__(self) -> None:
        self.calls: list[list[tuple[str, str]]] = []

    def __call__(self, messages: Any) -> None:
        self.calls.append(list(messages))


def _ids(topic: str = TOPIC) -> list[str]:
    rows = OutboxMessage.objects.filter(topic=topic).order_by("created_at")
    return [str(i) for i in rows.values_list("id", flat=True)]


# --- one wake-up per commit -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_commit_of_several_messages_wakes_workers_once_with_all_of_them() -> None:
    recorder = Recorder()
    outbox = DjangoOutbox(dispatch=recorder)
    with transaction.atomic():
        for n in range(5):
            outbox.add(TOPIC, {"n": n})
        outbox.add("ingest.transaction.process", {"n": 5})
        assert recorder.calls == []  # nothing before the commit
    assert len(recorder.calls) == 1
    [messages] = recorder.calls
    assert [topic for _, topic in messages] == [TOPIC] * 5 + ["ingest.transaction.process"]
    assert sorted(m for m, _ in messages) == sorted(_ids() + _ids("ingest.transaction.process"))


@pytest.mark.django_db(transaction=True)
def test_messages_written_together_join_the_commit_s_one_wake_up_in_order() -> None:
    recorder = Recorder()
    outbox = DjangoOutbox(dispatch=recorder)
    with transaction.atomic():
        outbox.add(TOPIC, {"n": 0})
        outbox.add_all([(TOPIC, {"n": 1}, None), ("ingest.transaction.process", {"n": 2}, f"k:{uuid.uuid4()}")])
        outbox.add_all([])
        assert recorder.calls == []
    [messages] = recorder.calls
    assert [topic for _, topic in messages] == [TOPIC, TOPIC, "ingest.transaction.process"]
    assert [m for m, _ in messages] == _ids() + _ids("ingest.transaction.process")
    outbox.add_all([(TOPIC, {"n": 3}, None)])  # no transaction: committed by its own statement, woken at once
    assert recorder.calls[1] == [(_ids()[-1], TOPIC)]
    assert OutboxMessage.objects.get(topic=TOPIC, payload__n=3).status == OutboxMessage.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_messages_of_nested_blocks_join_the_outer_commit_and_a_rolled_back_block_wakes_nobody() -> None:
    recorder = Recorder()
    outbox = DjangoOutbox(dispatch=recorder)
    with transaction.atomic():
        outbox.add(TOPIC, {"n": 1})
        with transaction.atomic():  # a nested unit of work: a savepoint
            outbox.add(TOPIC, {"n": 2})
        try:
            with transaction.atomic():
                outbox.add("other.rolled_back", {"n": 3})
                raise RuntimeError("inner change failed")
        except RuntimeError:
            pass
    assert len(recorder.calls) == 1
    woken = {m for m, _ in recorder.calls[0]}
    assert set(_ids()) <= woken
    assert len(_ids()) == 2

    recorder.calls.clear()
    with transaction.atomic():
        try:
            with transaction.atomic():
                outbox.add(TOPIC, {"n": 4})  # its wake-up is registered in this savepoint ...
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        outbox.add(TOPIC, {"n": 5})  # ... and dropped with it: this message gets one of its own
    assert len(recorder.calls) == 1
    assert [m for m, _ in recorder.calls[0]] == [_ids()[-1]]
    assert OutboxMessage.objects.filter(topic=TOPIC).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_wakes_nobody_and_autocommit_wakes_at_once() -> None:
    recorder = Recorder()
    outbox = DjangoOutbox(dispatch=recorder)

    def fail() -> None:
        with transaction.atomic():
            outbox.add(TOPIC, {"n": 1})
            raise RuntimeError("failed")

    with pytest.raises(RuntimeError):
        fail()
    assert recorder.calls == []
    outbox.add(TOPIC, {"n": 2})  # no transaction: committed by its own statement
    assert recorder.calls == [[(_ids()[0], TOPIC)]]


# --- coalescing across commits --------------------------------------------------------------------


def test_commits_arriving_while_a_push_is_in_flight_share_the_next_push() -> None:
    pushed: list[dict[str, list[str]]] = []
    first_started, release = threading.Event(), threading.Event()

    def slow_push(messages: dict[str, list[str]]) -> None:
        pushed.append({q: list(ids) for q, ids in messages.items()})
        first_started.set()
        assert release.wait(10)

    coalescer = wake.WakeCoalescer(slow_push)
    coalescer.offer({"default": ["a"]})  # idle: pushed at once, no waiting for company
    assert first_started.wait(10)
    threads = [threading.Thread(target=coalescer.offer, args=({"default": [f"m{n}"]},)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    coalescer.offer({"ingest": ["i1", "i2"]})
    release.set()
    assert coalescer.flush(10)
    assert len(pushed) == 2
    assert pushed[0] == {"default": ["a"]}
    assert sorted(pushed[1]["default"]) == sorted(f"m{n}" for n in range(10))
    assert pushed[1]["ingest"] == ["i1", "i2"]


def test_busy_pushes_are_spaced_out_and_an_idle_commit_is_pushed_at_once() -> None:
    """With a minimum interval, the commits made while the coalescer waits for it share one push; an
    idle coalescer pushes a commit at once. Its clock and sleep are the test's: no wall-clock waits."""
    pushed: list[dict[str, list[str]]] = []
    now = [100.0]
    slept: list[float] = []
    sleeping, wake_up = threading.Event(), threading.Event()

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        sleeping.set()
        assert wake_up.wait(10)
        now[0] += seconds

    coalescer = wake.WakeCoalescer(
        lambda messages: pushed.append({q: list(ids) for q, ids in messages.items()}),
        min_interval=0.3,
        clock=lambda: now[0],
        sleep=sleep,
    )
    coalescer.offer({"default": ["a"]})
    assert coalescer.flush(10)
    assert (pushed, slept) == ([{"default": ["a"]}], [])  # idle: at once
    coalescer.offer({"default": ["busy0"]})
    assert sleeping.wait(10)  # 0.3 s have not passed since the last push: it waits for company
    for n in range(1, 5):
        coalescer.offer({"default": [f"busy{n}"]})
    wake_up.set()
    assert coalescer.flush(10)
    assert pushed[1] == {"default": [f"busy{n}" for n in range(5)]}
    assert slept == [pytest.approx(0.3)]
    now[0] += 10  # idle for a while
    coalescer.offer({"default": ["later"]})
    assert coalescer.flush(10)
    assert pushed[2] == {"default": ["later"]}
    assert len(slept) == 1  # at once again


def test_a_failed_push_is_logged_and_the_next_commit_is_pushed_again() -> None:
    pushed: list[dict[str, list[str]]] = []

    def flaky(messages: dict[str, list[str]]) -> None:
        if not pushed:
            pushed.append({})
            raise ConnectionError("queue down")
        pushed.append(messages)

    coalescer = wake.WakeCoalescer(flaky)
    coalescer.offer({"default": ["lost"]})
    assert coalescer.flush(10)
    coalescer.offer({"default": ["next"]})
    assert coalescer.flush(10)
    assert pushed == [{}, {"default": ["next"]}]


# --- on the real Redis queue and PostgreSQL -------------------------------------------------------


@contextmanager
def redis_commands() -> Iterator[list[str]]:
    """Every command the Redis server receives for this test's database while the block runs (MONITOR)."""
    import redis

    url = os.environ["REDIS_URL"]
    db = int(url.rsplit("/", 1)[1] or 0)
    marker = f"end-of-test-{uuid.uuid4().hex}"
    seen: list[str] = []
    client = redis.Redis.from_url(url)
    with client.monitor() as monitor:

        def read() -> None:
            while True:
                command = monitor.next_command()
                if marker in command["command"]:
                    return
                if int(command["db"]) == db:
                    seen.append(command["command"])

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            yield seen
        finally:
            client.echo(marker)
            reader.join(10)


def _lpushes(commands: list[str]) -> list[str]:
    return [c for c in commands if c.upper().startswith("LPUSH") and "huey.redis." in c]


def _queued(queue: str = "default") -> list[str]:
    """Message ids of the tasks waiting on ``queue``, oldest first."""
    huey = INSTANCES[queue]
    tasks = [huey.deserialize_task(data) for data in huey.storage.enqueued_items()]
    return [task.args[0] for task in tasks]


@pytest.fixture
def real_queue() -> Iterator[None]:
    """Tasks go to the real Redis queue instead of running inline; a fresh container (its subscriptions)."""
    set_immediate(False)
    for instance in INSTANCES.values():
        instance.flush()
    bootstrap.reset_container()
    yield
    wake.COALESCER.flush(10)
    for instance in INSTANCES.values():
        instance.flush()
    set_immediate(True)


def _commit(count: int, topic: str = TOPIC) -> None:
    with bootstrap.container().uow() as uow:
        for n in range(count):
            uow.outbox.add(topic, {"n": n, "marker": uuid.uuid4().hex})


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_commit_of_k_messages_is_one_redis_command_and_k_tasks(real_queue: None) -> None:
    with redis_commands() as commands:
        _commit(7)
        assert wake.COALESCER.flush(10)
    assert len(_lpushes(commands)) == 1, commands
    in_commit_order = [str(OutboxMessage.objects.get(topic=TOPIC, payload__n=n).id) for n in range(7)]
    assert _queued() == in_commit_order, "one task per message, taken in commit order"


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_commits_share_a_push(real_queue: None, monkeypatch: pytest.MonkeyPatch) -> None:
    first_started, release = threading.Event(), threading.Event()

    def gated_push(messages: dict[str, list[str]]) -> None:
        first_started.set()
        assert release.wait(10)
        wake.push(messages)

    monkeypatch.setattr(wake, "COALESCER", wake.WakeCoalescer(gated_push))

    def request() -> None:
        try:
            _commit(1)
        finally:
            connection.close()

    with redis_commands() as commands:
        request()  # the first commit's push is in flight ...
        assert first_started.wait(10)
        threads = [threading.Thread(target=request) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        release.set()  # ... ten more commit meanwhile and ride on one push
        assert wake.COALESCER.flush(10)
    assert len(_lpushes(commands)) == 2, commands
    assert sorted(_queued()) == sorted(_ids())
    assert len(_ids()) == 11


def _drain(workers: int) -> None:
    """``workers`` threads take tasks off the default queue and run them, as consumer workers do."""
    huey = INSTANCES["default"]

    def work() -> None:
        try:
            while (data := huey.storage.dequeue()) is not None:
                huey.execute(huey.deserialize_task(data))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lost_wake_is_picked_up_by_the_sweeper(real_queue: None, monkeypatch: pytest.MonkeyPatch) -> None:
    handled: list[int] = []
    bootstrap.container().subscriptions.subscribe(TOPIC, lambda payload: handled.append(payload["n"]))

    def queue_down(messages: dict[str, list[str]]) -> None:
        raise ConnectionError("the queue was down when the commit tried to wake a worker")

    monkeypatch.setattr(wake, "COALESCER", wake.WakeCoalescer(queue_down))
    _commit(3)
    assert wake.COALESCER.flush(10)
    assert _queued() == []
    assert OutboxMessage.objects.filter(topic=TOPIC, status="pending").count() == 3

    with redis_commands() as commands:
        assert periodic._sweep() == 3
    assert len(_lpushes(commands)) == 1, "the sweep is one push too"
    assert sorted(_queued()) == sorted(_ids())
    _drain(workers=2)
    assert sorted(handled) == [0, 1, 2]
    assert OutboxMessage.objects.filter(topic=TOPIC).exclude(status="done").count() == 0


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_handle_every_due_message_exactly_once(real_queue: None) -> None:
    handled: list[int] = []
    lock = threading.Lock()

    def handler(payload: dict[str, Any]) -> None:
        time.sleep(0.005)  # long enough for the other worker to try the same message
        with lock:
            handled.append(payload["n"])

    bootstrap.container().subscriptions.subscribe(TOPIC, handler)
    with bootstrap.container().uow() as uow:
        for n in range(40):
            uow.outbox.add(TOPIC, {"n": n})
    assert wake.COALESCER.flush(10)
    # Every message is woken twice more, side by side: a duplicate wake-up, a sweep that came early.
    wake.push({"default": [message_id for message_id in _ids() for _ in range(2)]})
    assert len(_queued()) == 120
    _drain(workers=2)
    assert sorted(handled) == list(range(40))
    assert OutboxMessage.objects.filter(topic=TOPIC).exclude(status="done").count() == 0
    assert set(OutboxMessage.objects.filter(topic=TOPIC).values_list("attempts", flat=True)) == {1}
