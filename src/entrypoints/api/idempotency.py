"""``@idempotent``: the Idempotency-Key contract for any POST view.

The view runs after authentication and input validation (a request that fails validation
never reaches here, so it stores nothing). Views return ``Status(code, schema)`` or a schema.

No transaction wraps the view: its use case's unit of work owns transactions, and use cases that
call a provider commit their intent before the call and apply the answer after it. The key's
in-flight marker and its stored response each commit on their own. A crash between the use case's
commit and the stored response leaves an in-flight marker whose lease expires; the retry then runs
the view again, and creates that take ``intent_key(request)`` derive their id from the key, so the
retry finds (and resumes) what the first attempt created instead of making a second one.

``@idempotent_with_the_work`` is for views whose use case writes only our database (no provider call,
nothing outside the transaction): the view runs in one transaction that ends by writing the completed
record, so the work and its stored response commit together and a new key costs no statements of its
own. Anything else (a replay, a key reused or in flight, a refusal, a racing twin) rolls that attempt
back whole and runs the view the way above, which decides it exactly as before.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Status
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

from application.shared.errors import ApplicationError
from application.shared.idempotency import (
    NotKeptWithTheWork,
    StoredResponse,
    idempotency_begin,
    is_replayable_failure,
    request_fingerprint,
    validate_key,
)
from domain.shared.errors import DomainError
from entrypoints import bootstrap
from entrypoints.api.errors import error_response

HEADER = "Idempotency-Key"
# How WSGI carries it: read from META, since request.headers builds a dict of every header on first use.
_META_NAME = "HTTP_IDEMPOTENCY_KEY"


def caller_scope(request: HttpRequest) -> str:
    principal = getattr(request, "auth", None)
    user_id = getattr(principal, "user_id", None)
    if user_id:
        return f"user:{user_id}"
    return "anonymous"


INTENT_ATTRIBUTE = "_partnerpay_intent_key"


def intent_key(request: HttpRequest) -> str | None:
    """The caller-scoped Idempotency-Key of this request (None without one): an intent id derives from it."""
    value = getattr(request, INTENT_ATTRIBUTE, None)
    return value if isinstance(value, str) else None


# The encoder ninja uses, so replayed and direct responses render datetimes alike; one instance (what
# ``json.dumps(payload, cls=...)`` builds per call with the same default options), it keeps no state.
_ENCODER = NinjaJSONEncoder()


def render(result: Any) -> HttpResponse:
    if isinstance(result, Status):
        status, body = result.status_code, result.value
    else:
        status, body = 200, result
    if isinstance(body, HttpResponse):
        return body
    payload = body.model_dump(by_alias=True) if isinstance(body, BaseModel) else body
    return HttpResponse(_ENCODER.encode(payload), status=status, content_type="application/json")


def _replay(stored: StoredResponse) -> HttpResponse:
    response = HttpResponse(stored.body, status=stored.status, content_type=stored.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.META.get(_META_NAME)
        container = bootstrap.container()
        if key is None:
            return render(view(request, *args, **kwargs))
        store = container.idempotency_store
        scope = caller_scope(request)
        reservation = idempotency_begin(
            store=store,
            scope=scope,
            key=key,
            fingerprint=request_fingerprint(
                request.method or "POST", request.path, request.body, key=container.idempotency_key
            ),
            now=container.clock.now(),
        )
        if reservation.replay is not None:
            return _replay(reservation.replay)
        setattr(request, INTENT_ATTRIBUTE, f"{scope}|{request.path}|{key.strip()}")
        try:
            response = render(view(request, *args, **kwargs))
            store.complete(reservation.record_id, _stored(response), now=container.clock.now())
        except (ApplicationError, DomainError) as exc:
            if not is_replayable_failure(exc):
                store.release(reservation.record_id)
                raise
            response = error_response(exc)
            store.complete(reservation.record_id, _stored(response), now=container.clock.now())
        except BaseException:
            store.release(reservation.record_id)
            raise
        return response

    # Ninja reads the view's signature; resolve string annotations against the view's own module.
    wrapper.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
    return wrapper


def idempotent_with_the_work(view: Callable[..., Any]) -> Callable[..., Any]:
    """``@idempotent`` keeping the stored response in the view's own transaction (see the module doc)."""
    the_way_above = idempotent(view)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.META.get(_META_NAME)
        if key is None:
            return render(view(request, *args, **kwargs))
        key = validate_key(key)
        container = bootstrap.container()
        scope = caller_scope(request)
        fingerprint = request_fingerprint(
            request.method or "POST", request.path, request.body, key=container.idempotency_key
        )
        setattr(request, INTENT_ATTRIBUTE, f"{scope}|{request.path}|{key}")
        try:
            with container.idempotency_store.with_the_work(
                scope=scope, key=key, fingerprint=fingerprint, now=container.clock.now()
            ) as keep:
                response = render(view(request, *args, **kwargs))
                keep(_stored(response), container.clock.now())
            return response
        except (NotKeptWithTheWork, ApplicationError, DomainError):
            # Rolled back whole: the begin/complete way replays, refuses or stores the refusal as it would have.
            return the_way_above(request, *args, **kwargs)  # type: ignore[no-any-return]

    wrapper.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
    return wrapper


def _stored(response: HttpResponse) -> StoredResponse:
    return StoredResponse(
        status=response.status_code, body=bytes(response.content), content_type=response["Content-Type"]
    )
