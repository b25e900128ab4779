"""Services (e.g. "Engine repair") and their variants (price tiers such as Basic or Premium, each with stock).

A variant's ``available`` is the stock nobody holds: reserving takes from it, releasing gives back,
selling a reservation leaves it untouched. It can never go below zero (the database checks that too).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.shared.errors import InvalidValue
from domain.shared.ids import new_id
from domain.shared.money import Money

NAME_MAX = 200
DESCRIPTION_MAX = 5000
CATEGORY_MAX = 64
# One order takes at most this many units of a variant; larger quantities are a data-entry slip.
MAX_ORDER_QUANTITY = 1000
MAX_STOCK = 1_000_000_000

_CATEGORY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def clean_name(raw: str, *, field: str = "name") -> str:
    name = " ".join((raw or "").split())
    if not name or len(name) > NAME_MAX:
        raise InvalidValue(f"{field} must be 1 to {NAME_MAX} characters", code="invalid_name", field=field)
    return name


def clean_category(raw: str) -> str:
    """Categories are slugs ("engine-repair") so filters match however a vendor typed them."""
    category = "-".join((raw or "").strip().lower().split())
    if category and (len(category) > CATEGORY_MAX or not _CATEGORY.match(category)):
        raise InvalidValue(
            "category is a slug: letters, digits, '-' or '_', at most 64 characters",
            code="invalid_category",
            field="category",
        )
    return category


def clean_description(raw: str) -> str:
    description = (raw or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise InvalidValue(
            f"description is at most {DESCRIPTION_MAX} characters", code="invalid_description", field="description"
        )
    return description


def check_quantity(quantity: int) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_ORDER_QUANTITY:
        raise InvalidValue(
            f"quantity must be a whole number from 1 to {MAX_ORDER_QUANTITY}", code="invalid_quantity", field="quantity"
        )
    return quantity


def check_stock(stock: int) -> int:
    if isinstance(stock, bool) or not isinstance(stock, int) or not 0 <= stock <= MAX_STOCK:
        raise InvalidValue(f"stock must be a whole number from 0 to {MAX_STOCK}", code="invalid_stock", field="stock")
    return stock


def check_price(price: Money) -> Money:
    if not price.is_positive():
        raise InvalidValue("price must be greater than zero", code="invalid_amount", field="price")
    return price


@dataclass(kw_only=True)
class Service:
    id: uuid.UUID
    vendor_id: str
    name: str
    description: str = ""
    category: str = ""
    is_active: bool = True
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(cls, *, vendor_id: str, name: str, description: str, category: str, now: datetime) -> Service:
        return cls(
            id=new_id(),
            vendor_id=vendor_id,
            name=clean_name(name),
            description=clean_description(description),
            category=clean_category(category),
            created_at=now,
            updated_at=now,
        )

    def update(
        self,
        *,
        now: datetime,
        name: str | None = None,
        description: str | None = None,
        category: str | None = None,
        is_active: bool | None = None,
    ) -> None:
        if name is not None:
            self.name = clean_name(name)
        if description is not None:
            self.description = clean_description(description)
        if category is not None:
            self.category = clean_category(category)
        if is_active is not None:
            self.is_active = is_active
        self.updated_at = now


@dataclass(kw_only=True)
class Variant:
    id: uuid.UUID
    service_id: uuid.UUID
    vendor_id: str
    name: str
    price: Money
    available: int
    is_active: bool = True
    created_at: datetime
    updated_at: datetime

    def __post_init__(self) -> None:
        check_price(self.price)
        if self.available < 0:
            raise InvalidValue("available stock cannot be negative", code="invalid_stock", field="stock")

    @classmethod
    def create(
        cls, *, service_id: uuid.UUID, vendor_id: str, name: str, price: Money, stock: int, now: datetime
    ) -> Variant:
        return cls(
            id=new_id(),
            service_id=service_id,
            vendor_id=vendor_id,
            name=clean_name(name),
            price=check_price(price),
            available=check_stock(stock),
            created_at=now,
            updated_at=now,
        )


@dataclass(frozen=True, slots=True)
class Offer:
    """A variant as a buyer meets it: with whether its service and vendor let it be sold right now."""

    variant: Variant
    service_name: str
    service_active: bool
    vendor_active: bool

    @property
    def sellable(self) -> bool:
        return self.variant.is_active and self.service_active and self.vendor_active
