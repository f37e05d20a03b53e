"""The project's URLs plus a stand-in for the incident form the hendelser app will bring."""

from django.http import HttpResponse
from django.urls import include, path

from nav_sikkerhet.urls import urlpatterns as project_urlpatterns


def incident_form(request):
    return HttpResponse("incident form")


urlpatterns = [
    path("hendelser/", include(([path("ny/", incident_form, name="create")], "hendelser"))),
    *project_urlpatterns,
]
