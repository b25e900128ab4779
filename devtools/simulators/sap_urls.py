"""``/simulators/sap/<SAP path>``: the same paths as SAP's after the prefix."""

from django.urls import re_path

from devtools.simulators.sap_views import sap_endpoint

urlpatterns = [re_path(r"^(?P<path>.*)$", sap_endpoint, name="sap-simulator")]
