from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from entrypoints import deployment
from entrypoints.api.app import api
from entrypoints.api.problems import problem_response

# Whoever opens the back office sees at once what is simulated (README "Live and sandbox").
_banner = deployment.banner()
admin.site.site_header = f"Partnerpay back office — {_banner}" if _banner else "Partnerpay back office"
admin.site.site_title = admin.site.site_header

# Simulators are development tools (devtools/, outside the product and absent from the production
# image): mounted by dotted path, only outside production, only when SANDBOX_COMPONENTS names them and
# nothing real is configured in their place (settings.main decides; settings.env refuses naming them
# with PRODUCTION=true). See docs/gateways.md and docs/distributors.md.
SIMULATORS = {
    "sap": "devtools.simulators.sap_urls",
    "cashfree": "devtools.simulators.cashfree_urls",
    "sslcommerz": "devtools.simulators.sslcommerz_urls",
}
_simulators = not settings.PRODUCTION
_mounted = {
    "sap": settings.SAP_SIMULATOR,
    "cashfree": settings.CASHFREE_SIMULATED and settings.CASHFREE_OFFERED,
    "sslcommerz": settings.SSLCOMMERZ_SIMULATED and settings.SSLCOMMERZ_OFFERED,
}
urlpatterns = [
    path("admin/", admin.site.urls),
    *(
        path(f"simulators/{name}/", include(module))
        for name, module in SIMULATORS.items()
        if _simulators and _mounted[name]
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
