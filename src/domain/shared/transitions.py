"""State machines as data: a table of the moves each state allows, and the one error a refused move raises.

An aggregate declares its table (``{from_state: {move, ...}}``, a move usually being the target state)
with the message and code its callers have always seen, and asks ``require(status, move)`` before it
changes its status. A state missing from the table allows nothing, so a table may list only the states
that have moves (the refund tables do). The table is also a read-only mapping (``TABLE[status]``) for
screens that list the moves open from a status.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Generic, TypeVar

from domain.shared.errors import InvalidTransition

StateT = TypeVar("StateT", bound=Hashable)
MoveT = TypeVar("MoveT", bound=Hashable)

# ``{source}`` and ``{move}`` in a template are formatted with ``format()``, so an enum member reads as
# its value: the same text the f-strings it replaced produced.
Refusal = str | Callable[[StateT, MoveT], str]


class Transitions(Mapping[StateT, frozenset[MoveT]], Generic[StateT, MoveT]):
    def __init__(
        self,
        table: Mapping[StateT, Iterable[MoveT]],
        *,
        refusal: Refusal[StateT, MoveT],
        code: str | None = None,
    ) -> None:
        self._table: dict[StateT, frozenset[MoveT]] = {state: frozenset(moves) for state, moves in table.items()}
        self._refusal = refusal
        self._code = code

    def __getitem__(self, state: StateT) -> frozenset[MoveT]:
        return self._table[state]

    def __iter__(self) -> Iterator[StateT]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def allowed(self, state: StateT) -> frozenset[MoveT]:
        return self._table.get(state, frozenset())

    def can(self, state: StateT, move: MoveT) -> bool:
        return move in self.allowed(state)

    def require(self, state: StateT, move: MoveT) -> None:
        """Raises the machine's ``InvalidTransition`` unless ``move`` is allowed from ``state``."""
        if not self.can(state, move):
            raise InvalidTransition(self.refusal_message(state, move), code=self._code)

    def refusal_message(self, state: StateT, move: MoveT) -> str:
        if isinstance(self._refusal, str):
            return self._refusal.format(source=state, move=move)
        return self._refusal(state, move)

    def extended(self, changes: Mapping[StateT, Iterable[MoveT]]) -> Transitions[StateT, MoveT]:
        """The same machine with some states' moves replaced (a variant that shares the refusal)."""
        return Transitions({**self._table, **changes}, refusal=self._refusal, code=self._code)
