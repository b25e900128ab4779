"""Distributors wiring: repositories, and the bridges to identity (users), ERP (syncs) and payments."""

from __future__ import annotations

from types import ModuleType

from adapters.bridges.erp_sync import ErpSyncReader, ErpSyncRequester
from adapters.bridges.identity_users import IdentityUsers
from adapters.django_orm.distributors.repositories import DjangoDistributorRepository, DjangoStatusHistory
from adapters.django_orm.identity.repositories import DjangoUserRepository
from application.distributors.ports import DistributorsUnitOfWork, Payments
from application.distributors.services import DistributorsServices
from application.erp.services import ErpServices
from application.payments.orders import CreateOrder
from application.payments.payments import CreatePayment
from application.payments.ports import PaymentFilter
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal
from domain.payments.order import Order
from domain.payments.payment import Payment
from entrypoints.bootstrap import deployment
from entrypoints.bootstrap.platform import Platform


def build(built: Platform, *, erp: ErpServices, payments: Payments) -> DistributorsServices:
    distributors, history = DjangoDistributorRepository(), DjangoStatusHistory()

    def uow() -> DistributorsUnitOfWork:
        unit: DistributorsUnitOfWork = built.uow(distributors=distributors, history=history)
        return unit

    return DistributorsServices(
        uow=uow,
        distributors=distributors,
        history=history,
        users=IdentityUsers(DjangoUserRepository()),
        erp_requests=ErpSyncRequester(erp),
        erp_states=ErpSyncReader(erp),
        payments=payments,
        events=built.event_log,
        clock=built.clock,
        live_deployment=deployment.is_live(),
    )


class LegacyPayments:
    """Distributors' ``Payments`` port over bootstrap/payments.py's functions, until payments has its
    services object; handed the module by the composition root (importing it here would be a loop)."""

    def __init__(self, wiring: ModuleType) -> None:
        self._wiring = wiring

    def payment_method_check(self, *, method: str, bank_reference: str | None) -> None:
        self._wiring.check_payment_method(method, bank_reference)

    def order_create(self, *, seller_id: str, command: CreateOrder) -> Order:
        found: Order = self._wiring.create_order(seller_id, command)
        return found

    def payment_create(self, *, principal: Principal, command: CreatePayment) -> Payment:
        found: Payment = self._wiring.create_payment(principal, command)
        return found

    def order_cancel(self, *, principal: Principal, order_id: str) -> Order:
        found: Order = self._wiring.cancel_order(principal, order_id)
        return found

    def payments_list(self, *, principal: Principal, filters: PaymentFilter, page: PageRequest) -> Page[Payment]:
        found: Page[Payment] = self._wiring.list_payments(principal, filters, page)
        return found
