"""Model fields that keep a secret encrypted at rest and give it back in clear to the code.

For secrets we must use again (a webhook signing secret signs every delivery), so a hash will
not do. The column holds ``enc1:`` + base64 of AES-256-GCM (``adapters.crypto``) under a key
derived from ``SECRET_KEY`` for the field's purpose; a value without the prefix was written
before encryption and is read as it is (the migration that adds the field seals old rows).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import models

from adapters.crypto import TEXT_PREFIX, SecretBox, secret_keys_from_settings


@functools.cache
def _box(purpose: str, keys: tuple[str, ...]) -> SecretBox:
    return SecretBox.from_secret_keys(keys, purpose)


class EncryptedCharField(models.CharField):  # type: ignore[type-arg]
    """A CharField sealed at rest. Lookups by value cannot match (every seal has a fresh nonce)."""

    def __init__(self, *args: Any, purpose: str, **kwargs: Any) -> None:
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def _box(self) -> SecretBox:
        return _box(self.purpose, tuple(secret_keys_from_settings()))

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value or str(value).startswith(TEXT_PREFIX):
            return value
        return self._box().seal_text(str(value), context=self.purpose.encode())

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value or not str(value).startswith(TEXT_PREFIX):
            return value
        return self._box().open_text(str(value), context=self.purpose.encode())
