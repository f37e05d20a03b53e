from django.urls import path

from . import risk_views, views

app_name = "utestenging"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ny/", views.create, name="create"),
    path("risikosjekk/<uuid:public_id>/", risk_views.risk_check, name="risk_check"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/rediger/<slug:step>/", views.edit, name="edit"),
    path("<uuid:public_id>/forhandsvarsel/", views.notice, name="notice"),
    path("<uuid:public_id>/klar/", views.mark_ready, name="mark_ready"),
    path("<uuid:public_id>/tilbake-til-utkast/", views.reopen, name="reopen"),
    path("<uuid:public_id>/henlegg/", views.drop, name="drop"),
    path("<uuid:public_id>/signer/", views.sign, name="sign"),
    path("<uuid:public_id>/signer/brevutkast/", views.sign_preview, name="sign_preview"),
    path("<uuid:public_id>/opphev/", views.lift, name="lift"),
    path("<uuid:public_id>/levert/", views.delivery, name="delivery"),
    path("<uuid:public_id>/forleng/", views.extend, name="extend"),
    path("<uuid:public_id>/registrering/", views.registration, name="registration"),
    path("<uuid:public_id>/serviceklage/", views.complaint, name="complaint"),
    path("<uuid:public_id>/serviceklage/<int:complaint_id>/svar/", views.complaint_answer, name="complaint_answer"),
    path("<uuid:public_id>/brev/<int:letter_id>/", views.letter_status, name="letter_status"),
    path("<uuid:public_id>/brev/<int:letter_id>/last-ned/", views.letter_download, name="letter_download"),
    path("<uuid:public_id>/brev/<int:letter_id>/prov-igjen/", views.letter_retry, name="letter_retry"),
    path("mottaksliste/<str:unit_number>/", views.reception_list, name="reception_list"),
    path("mottaksliste/<str:unit_number>/pdf/", views.reception_list_pdf, name="reception_list_pdf"),
]
