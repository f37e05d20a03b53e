from django.urls import path

from . import views

app_name = "risiko"
urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.create, name="create"),
    path("importer/", views.import_file, name="import"),
    path("<int:analysis_id>/", views.detail, name="detail"),
    path("<int:analysis_id>/endre/", views.edit, name="edit"),
    path("<int:analysis_id>/godkjenn/", views.approve, name="approve"),
    path("<int:analysis_id>/ny-versjon/", views.revise, name="revise"),
    path("<int:analysis_id>/ny-matrise/", views.move_matrix, name="move_matrix"),
    path("<int:analysis_id>/soner.css", views.zones_css, name="zones_css"),
    path("<int:analysis_id>/rapport.pdf", views.pdf, name="pdf"),
    path("<int:analysis_id>/eksport.json", views.export_json, name="export_json"),
    path("<int:analysis_id>/tiltak.csv", views.measures_csv, name="measures_csv"),
    path("<int:analysis_id>/arsak/", views.cause_add, name="cause_add"),
    path("<int:analysis_id>/hendelse/ny/", views.event_add, name="event_add"),
    path("<int:analysis_id>/hendelse/<int:event_id>/", views.event_edit, name="event_edit"),
    path("<int:analysis_id>/hendelse/<int:event_id>/slett/", views.event_delete, name="event_delete"),
    path("<int:analysis_id>/hendelse/<int:event_id>/bekreft/", views.event_confirm, name="event_confirm"),
    path("<int:analysis_id>/hendelse/<int:event_id>/aksepter/", views.risk_accept, name="risk_accept"),
    path("<int:analysis_id>/hendelse/<int:event_id>/tiltak/", views.measure_add, name="measure_add"),
    path("<int:analysis_id>/tiltak/<int:measure_id>/status/", views.measure_status, name="measure_status"),
]
