from django.urls import path

from . import views

app_name = "hendelser"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("ny/", views.create, name="create"),
    path("eksport/", views.export, name="export"),
    path("statistikk/", views.statistics_page, name="statistics"),
    path("politi/", views.police, name="police"),
    path("gjennomgang/", views.review_index, name="review_index"),
    path("gjennomgang/<str:unit_number>/", views.review, name="review"),
    path("advarselsbrev/<int:letter_id>/", views.warning_letter, name="warning_letter"),
    path("advarselsbrev/<int:letter_id>/last-ned/", views.warning_letter_download, name="warning_letter_download"),
    path("advarselsbrev/<int:letter_id>/prov-igjen/", views.warning_letter_retry, name="warning_letter_retry"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/endre/", views.edit, name="edit"),
    path("<uuid:public_id>/tiltak/", views.measure, name="measure"),
    path("<uuid:public_id>/lukk/", views.close, name="close"),
    path("<uuid:public_id>/politiutfall/", views.police_outcome, name="police_outcome"),
    path("<uuid:public_id>/gjenapne/", views.reopen, name="reopen"),
    path("<uuid:public_id>/forslag/", views.propose, name="propose"),
    path("<uuid:public_id>/forslag/<int:proposal_id>/utfall/", views.proposal_outcome, name="proposal_outcome"),
    path("<uuid:public_id>/forslag/<int:proposal_id>/advarsel/", views.proposal_warning, name="proposal_warning"),
    path("<uuid:public_id>/oppfolging/<int:exposed_id>/", views.follow_up, name="follow_up"),
]
