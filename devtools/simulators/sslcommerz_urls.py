"""``/simulators/sslcommerz/``: SSLCommerz's v4 paths (session, gateway page, validator APIs)."""

from django.urls import path

from devtools.simulators import sslcommerz

urlpatterns = [
    path("gwprocess/v4/api.php", sslcommerz.session_api, name="sslcommerz-sim-session"),
    path("gwprocess/v4/gw.php", sslcommerz.gateway_page, name="sslcommerz-sim-page"),
    path("gwprocess/v4/gw.php/<str:action>", sslcommerz.gateway_action, name="sslcommerz-sim-action"),
    path("validator/api/validationserverAPI.php", sslcommerz.validation_api, name="sslcommerz-sim-validation"),
    path("validator/api/merchantTransIDvalidationAPI.php", sslcommerz.query_api, name="sslcommerz-sim-query"),
]
