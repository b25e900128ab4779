"""Group commit: concurrent requests of one process store their transactions in one statement.

Every commit costs PostgreSQL a WAL flush and a statement's fixed work; under load, the requests a
process serves at the same moment can share them. There is no committer thread: the first request to
arrive while nothing is being written becomes the *leader*, takes every queued candidate (up to
``max_batch``, its own first) and writes them with its own database connection in one autocommit
statement. Requests that arrive meanwhile queue; when the leader is done it wakes each of them with
its answer, and hands leadership to the oldest still queued, which writes the next batch. A request
therefore waits at most for the batch in flight plus its own, never for a timer, and a lone request
writes at once (a batch of one), at the cost of the single-row path.

Guarantees:
- an answer is given only after the statement that stored the row and its job returned (committed);
- one id submitted twice in one batch is written once: the later ones are answered as its replays;
- if the batch statement fails, each candidate is retried on its own, so only the guilty one fails;
- a waiting request gives up after ``wait_seconds`` with ``GroupCommitTimeout`` (a 500 for the
  sender, who retries; if the batch did commit meanwhile, the retry is answered as a replay): it never
  hangs on a stuck or dead leader;
- nothing runs outside a request thread, so a server's graceful shutdown, which waits for the
  requests in flight, drains every queued candidate.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from adapters.django_orm.ingest.receive_statement import Outcome
from domain.ingest.transaction import Transaction

Write = Callable[[Sequence[Transaction]], dict[str, Outcome]]


class GroupCommitTimeout(RuntimeError):
    """The batch holding this request's transaction did not answer in time (it may still commit)."""


class _Ticket:
    __slots__ = ("candidate", "error", "lead", "outcome", "ready")

    def __init__(self, candidate: Transaction) -> None:
        self.candidate = candidate
        self.ready = threading.Event()
        self.lead = False  # set (with ready) when this request must write the next batch itself
        self.outcome: Outcome | None = None
        self.error: BaseException | None = None


class GroupCommitter:
    def __init__(self, *, max_batch: int, wait_seconds: float) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._max_batch = max_batch
        self._wait_seconds = wait_seconds
        self._lock = threading.Lock()
        self._queue: list[_Ticket] = []
        self._leading = False

    def submit(self, candidate: Transaction, write: Write) -> Outcome:
        """Store ``candidate`` with whatever else is queued; ``write`` runs on this thread if it leads."""
        ticket = _Ticket(candidate)
        with self._lock:
            self._queue.append(ticket)
            if not self._leading:
                self._leading = ticket.lead = True
        if not ticket.lead:
            self._wait(ticket)
        if ticket.lead:
            self._write_batch(write)
        if ticket.error is not None:
            raise ticket.error
        assert ticket.outcome is not None  # every resolved ticket has one or the other
        return ticket.outcome

    def _wait(self, ticket: _Ticket) -> None:
        if ticket.ready.wait(self._wait_seconds):
            return
        with self._lock:
            if ticket.lead or ticket.ready.is_set():  # woken as we gave up: take what we were given
                return
            if ticket in self._queue:  # never taken: withdrawn, nothing of it was written
                self._queue.remove(ticket)
                raise GroupCommitTimeout("no batch took this transaction in time; nothing was stored")
        raise GroupCommitTimeout("the batch holding this transaction did not finish in time")

    def _write_batch(self, write: Write) -> None:
        with self._lock:
            batch = self._queue[: self._max_batch]
            del self._queue[: self._max_batch]
        try:
            _resolve(batch, write)
        finally:
            for ticket in batch:
                if ticket.outcome is None and ticket.error is None:  # the leader itself was interrupted
                    ticket.error = GroupCommitTimeout("the batch holding this transaction was interrupted")
                ticket.ready.set()
            with self._lock:
                if self._queue:
                    successor = self._queue[0]
                    successor.lead = True
                    successor.ready.set()
                else:
                    self._leading = False


def _resolve(batch: list[_Ticket], write: Write) -> None:
    """Give every ticket of ``batch`` its outcome or its own error."""
    first: dict[str, _Ticket] = {}
    for ticket in batch:
        first.setdefault(ticket.candidate.transaction_id, ticket)
    try:
        outcomes = write([t.candidate for t in first.values()])
    except Exception:  # noqa: BLE001 - one bad candidate must not fail the others: each is retried alone
        outcomes = {}
        for ticket in first.values():
            try:
                outcomes.update(write([ticket.candidate]))
            except Exception as exc:  # noqa: BLE001 - that candidate's own failure, raised in its request
                ticket.error = exc
    for ticket in batch:
        winner = first[ticket.candidate.transaction_id]
        if ticket is winner:
            if ticket.error is None:
                ticket.outcome = outcomes[ticket.candidate.transaction_id]
        elif winner.error is not None:
            ticket.error = winner.error
        else:
            # The same id earlier in this batch: whatever that one stored, this one is its replay.
            ticket.outcome = Outcome(outcomes[winner.candidate.transaction_id].stored, False)
