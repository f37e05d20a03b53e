from django.urls import path

from . import signin_views, views

app_name = "core"
urlpatterns = [
    path("", views.start, name="start"),
    path("innsyn/tilgangslogg/", views.access_report, name="access_report"),
    path("innsyn/eksport/", views.citizen_export, name="citizen_export"),
    path("ingen-rolle/", signin_views.no_role, name="no_role"),
    path("oppbevaring/kommende/", views.retention_upcoming, name="retention_upcoming"),
    path("oppbevaring/hold/<slug:model_name>/<uuid:public_id>/", views.retention_hold, name="retention_hold"),
    path("paminnelser/<int:reminder_id>/ferdig/", views.reminder_done, name="reminder_done"),
]
