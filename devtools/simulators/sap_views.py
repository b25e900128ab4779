"""The SAP simulator as Django views under ``/simulators/sap/`` (only when ``SAP_BASE_URL`` is unset).

One view hands every request to the in-memory ``SapSimulator``; it answers with SAP's own
statuses, headers and cookies. CSRF exemption is Django's: the simulator checks SAP's token itself.
Its state lives in this process, so serve it from one web process (``make run`` does).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from devtools.simulators.sap_core import SapSimulator, SimRequest

simulator = SapSimulator(username=settings.SAP_USERNAME, password=settings.SAP_PASSWORD)


@csrf_exempt
def sap_endpoint(request: HttpRequest, path: str = "") -> HttpResponse:
    answer = simulator.handle(
        SimRequest(
            method=request.method or "GET",
            path=path,
            query={key: request.GET.get(key, "") for key in request.GET},
            headers={name.lower(): value for name, value in request.headers.items()},
            body=request.body,
        )
    )
    response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    for name, value in answer.headers.items():
        response[name] = value
    for name, value in answer.cookies.items():
        response.set_cookie(name, value, path="/", httponly=True, samesite="Lax")
    return response
