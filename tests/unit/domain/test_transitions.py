"""The shared state-machine table: what it allows, and the exact error each machine's callers see."""

from __future__ import annotations

from enum import StrEnum

import pytest

from domain.earnings.commission import ADJUSTING_TRANSITIONS, COMMISSION_TRANSITIONS, CommissionStatus
from domain.shared.errors import InvalidTransition
from domain.shared.transitions import Transitions


class Light(StrEnum):
    RED = "red"
    GREEN = "green"
    AMBER = "amber"


LIGHTS: Transitions[Light, Light] = Transitions(
    {Light.RED: {Light.GREEN}, Light.GREEN: {Light.AMBER}},
    refusal="A {source} light cannot become {move}",
    code="invalid_light_transition",
)


def test_allowed_moves_pass_and_states_without_a_row_allow_nothing() -> None:
    assert LIGHTS.can(Light.RED, Light.GREEN)
    assert not LIGHTS.can(Light.RED, Light.AMBER)
    assert LIGHTS.allowed(Light.AMBER) == frozenset()
    LIGHTS.require(Light.GREEN, Light.AMBER)


def test_a_refused_move_raises_the_machines_message_and_code() -> None:
    with pytest.raises(InvalidTransition) as refused:
        LIGHTS.require(Light.AMBER, Light.RED)
    assert refused.value.message == "A amber light cannot become red"
    assert refused.value.code == "invalid_light_transition"
    assert refused.value.kind == "conflict"


def test_without_a_code_the_generic_transition_code_stays() -> None:
    plain: Transitions[Light, Light] = Transitions({}, refusal=lambda s, m: f"no {s}->{m}")
    with pytest.raises(InvalidTransition) as refused:
        plain.require(Light.RED, Light.GREEN)
    assert (refused.value.message, refused.value.code) == ("no red->green", "invalid_state_transition")


def test_the_table_reads_as_a_mapping() -> None:
    assert dict(LIGHTS) == {Light.RED: frozenset({Light.GREEN}), Light.GREEN: frozenset({Light.AMBER})}
    with pytest.raises(KeyError):
        LIGHTS[Light.AMBER]


def test_an_extended_machine_replaces_rows_and_keeps_the_refusal() -> None:
    C = CommissionStatus
    assert ADJUSTING_TRANSITIONS[C.PENDING] == frozenset()
    assert ADJUSTING_TRANSITIONS[C.APPROVED] == frozenset({C.INVOICED, C.PAID, C.REJECTED})
    assert ADJUSTING_TRANSITIONS[C.INVOICED] == COMMISSION_TRANSITIONS[C.INVOICED]
    with pytest.raises(InvalidTransition, match="A pending commission cannot become approved") as refused:
        ADJUSTING_TRANSITIONS.require(C.PENDING, C.APPROVED)
    assert refused.value.code == "invalid_commission_transition"
