"""The reception and contact-centre look-up, mounted at /mottak/."""

from django.urls import path

from . import lookup_views

app_name = "mottak"
urlpatterns = [
    path("", lookup_views.search, name="search"),
    path("person/<uuid:public_id>/", lookup_views.person, name="person"),
    path("brudd/ny/<uuid:public_id>/", lookup_views.breach, name="breach"),
    path("brudd/<uuid:public_id>/", lookup_views.breach_done, name="breach_done"),
    path("brudd/<uuid:public_id>/hendelse/", lookup_views.breach_incident, name="breach_incident"),
]
