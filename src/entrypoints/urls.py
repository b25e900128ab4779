from django.contrib import admin
from django.urls import path

from entrypoints.api.app import api
from entrypoints.api.problems import problem_response

admin.site.site_header = "Partnerpay back office"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", api.urls),
]


def _not_found(request, exception=None):  # type: ignore[no-untyped-def]
    return problem_response(404, "not_found", "No such resource")


def _server_error(request):  # type: ignore[no-untyped-def]
    return problem_response(500, "internal_error", "An unexpected error occurred; it has been logged.")


handler404 = _not_found
handler500 = _server_error
