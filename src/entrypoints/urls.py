from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from entrypoints.api.app import api
from entrypoints.api.problems import problem_response

admin.site.site_header = "Partnerpay back office"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The SAP simulator, only while no real SAP is configured (SAP_BASE_URL unset); see docs/distributors.md.
    *([path("simulators/sap/", include("entrypoints.simulators.sap_urls"))] if settings.SAP_SIMULATOR else []),
    # Cashfree and SSLCommerz simulators, while no credentials are configured; see docs/gateways.md.
    *(
        [path("simulators/cashfree/", include("entrypoints.simulators.cashfree_urls"))]
        if settings.GATEWAY_SIMULATORS and settings.CASHFREE_SIMULATED
        else []
    ),
    *(
        [path("simulators/sslcommerz/", include("entrypoints.simulators.sslcommerz_urls"))]
        if settings.GATEWAY_SIMULATORS and settings.SSLCOMMERZ_SIMULATED
        else []
    ),
    path("portal/", include("entrypoints.portal.urls")),
    path("", api.urls),
]


def _not_found(request, exception=None):  # type: ignore[no-untyped-def]
    return problem_response(404, "not_found", "No such resource")


def _server_error(request):  # type: ignore[no-untyped-def]
    return problem_response(500, "internal_error", "An unexpected error occurred; it has been logged.")


handler404 = _not_found
handler500 = _server_error
