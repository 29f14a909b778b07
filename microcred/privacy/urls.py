from django.urls import path

from microcred.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.notice, name="notice"),
    path("v<int:version>/", views.notice_version, name="version"),
    path("drafts/<int:pk>/", views.preview, name="preview"),
    path("agree/", views.agree, name="agree"),
    path("record/", views.processing_record, name="record"),
    path("record/download.<str:fmt>", views.processing_record_download, name="record-download"),
]
