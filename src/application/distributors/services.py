"""Distributors' use cases bound to their adapters: what routers, handlers and other contexts call.

The composition root builds one ``DistributorsServices`` with Django adapters and the bridges to
identity (users), ERP (sync requests and states) and payments; tests build it with fakes.
Each method keeps its use case's name and takes only what the caller knows. Methods that show a
distributor answer a ``DistributorView`` (with its SAP sync state), as every route shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from application.distributors import payments as payment_cases
from application.distributors import use_cases
from application.distributors.ports import (
    DistributorFilter,
    DistributorRepository,
    DistributorsUnitOfWork,
    ErpSyncRequests,
    ErpSyncStates,
    Payments,
    StatusHistory,
    StoredEvents,
    UserDirectory,
)
from application.distributors.views import DistributorPayment, DistributorView, PayingDistributor, distributor_views
from application.shared.pagination import Page, PageRequest
from domain.distributors.distributor import Distributor, StatusChange
from domain.identity.user import Principal
from domain.payments.order import Order
from domain.payments.payment import Payment
from domain.shared.clock import Clock


@dataclass(slots=True)
class DistributorsServices:
    uow: Callable[[], DistributorsUnitOfWork]
    distributors: DistributorRepository
    history: StatusHistory
    users: UserDirectory
    erp_requests: ErpSyncRequests
    erp_states: ErpSyncStates
    payments: Payments
    events: StoredEvents
    clock: Clock
    # A live deployment moves real money: sandbox-made money is never posted to its books.
    live_deployment: bool

    def _view(self, distributor: Distributor) -> DistributorView:
        [view] = distributor_views([distributor], erp=self.erp_states)
        return view

    def distributor_onboard(
        self, *, principal: Principal, values: Mapping[str, object], user_id: str | None
    ) -> DistributorView:
        distributor = use_cases.distributor_onboard(
            uow=self.uow(),
            principal=principal,
            command=use_cases.OnboardDistributor(values=values, user_id=user_id),
            users=self.users,
            clock=self.clock,
        )
        return DistributorView(distributor, None)  # pending: nothing is synced before approval

    def distributor_get(self, *, principal: Principal, distributor_id: str) -> DistributorView:
        found = use_cases.distributor_get(
            distributors=self.distributors, principal=principal, distributor_id=distributor_id
        )
        return self._view(found)

    def distributors_list(
        self, *, principal: Principal, filters: DistributorFilter, page: PageRequest
    ) -> Page[DistributorView]:
        found = use_cases.distributors_list(
            distributors=self.distributors, principal=principal, filters=filters, page=page
        )
        return Page(items=distributor_views(found.items, erp=self.erp_states), next_cursor=found.next_cursor)

    def distributor_update(
        self, *, principal: Principal, distributor_id: str, changes: Mapping[str, object]
    ) -> DistributorView:
        return self._view(
            use_cases.distributor_update(
                uow=self.uow(),
                principal=principal,
                distributor_id=distributor_id,
                changes=changes,
                erp=self.erp_requests,
                clock=self.clock,
            )
        )

    def distributor_approve(self, *, principal: Principal, distributor_id: str, reason: str = "") -> DistributorView:
        return self._view(
            use_cases.distributor_approve(
                uow=self.uow(),
                principal=principal,
                distributor_id=distributor_id,
                reason=reason,
                erp=self.erp_requests,
                clock=self.clock,
            )
        )

    def distributor_suspend(self, *, principal: Principal, distributor_id: str, reason: str = "") -> DistributorView:
        return self._view(
            use_cases.distributor_suspend(
                uow=self.uow(), principal=principal, distributor_id=distributor_id, reason=reason, clock=self.clock
            )
        )

    def distributor_reactivate(self, *, principal: Principal, distributor_id: str, reason: str = "") -> DistributorView:
        return self._view(
            use_cases.distributor_reactivate(
                uow=self.uow(), principal=principal, distributor_id=distributor_id, reason=reason, clock=self.clock
            )
        )

    def distributor_history(self, *, principal: Principal, distributor_id: str) -> list[StatusChange]:
        return use_cases.distributor_history(
            distributors=self.distributors, history=self.history, principal=principal, distributor_id=distributor_id
        )

    def distributor_for_payment(self, *, principal: Principal, distributor_id: str) -> PayingDistributor:
        """Admins may name any distributor; a distributor only itself; anyone else gets NotFound (404).

        The status is not checked here: whether a pending or suspended distributor may pay is the
        caller's rule (``distributor_get`` shows the status).
        """
        found = use_cases.distributor_for_payment(
            distributors=self.distributors, principal=principal, distributor_id=distributor_id
        )
        return PayingDistributor(found.id, found.user_id, self.erp_states.business_partner_id(found.id))

    # Distributor payments (payments.py): the payments context does the money, we say for whom.

    def distributor_payment_record(
        self, *, principal: Principal, distributor_id: str, command: payment_cases.RecordPayment
    ) -> tuple[Order, Payment]:
        return payment_cases.distributor_payment_record(
            distributors=self.distributors,
            payments=self.payments,
            principal=principal,
            distributor_id=distributor_id,
            command=command,
        )

    def distributor_payments_list(
        self, *, principal: Principal, distributor_id: str, page: PageRequest
    ) -> Page[DistributorPayment]:
        return payment_cases.distributor_payments_list(
            distributors=self.distributors,
            payments=self.payments,
            erp=self.erp_states,
            principal=principal,
            distributor_id=distributor_id,
            page=page,
        )

    def payment_journal_entry_request(self, *, event_id: str) -> None:
        payment_cases.payment_journal_entry_request(
            uow=self.uow(),
            events=self.events,
            erp=self.erp_requests,
            event_id=event_id,
            live_deployment=self.live_deployment,
        )

    def refund_journal_reversal_request(self, *, event_id: str) -> None:
        payment_cases.refund_journal_reversal_request(
            uow=self.uow(),
            events=self.events,
            erp=self.erp_requests,
            event_id=event_id,
            live_deployment=self.live_deployment,
        )
