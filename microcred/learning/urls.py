from django.urls import path

from microcred.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.my_learning, name="my-learning"),
    path("ready/", views.ready_queue, name="ready"),
    path("offerings/", views.offering_list, name="offerings"),
    path("offerings/new/<int:micro_credential_id>/", views.offering_create, name="offering-create"),
    path("offerings/<int:pk>/", views.offering_detail, name="offering"),
    path("offerings/<int:pk>/edit/", views.offering_edit, name="offering-edit"),
    path("offerings/<int:pk>/enrol/", views.offering_enrol, name="enrol"),
    path("offerings/<int:pk>/cancel/", views.offering_cancel, name="cancel"),
    path("offerings/<int:pk>/enrolments/", views.offering_enrolments, name="enrolments"),
    path("offerings/<int:pk>/enrolments/<int:enrolment_id>/cancel/", views.enrolment_cancel, name="enrolment-cancel"),
    path("offerings/<int:pk>/enrolments.csv", views.offering_enrolments_csv, name="enrolments-csv"),
    path("offerings/<int:pk>/assessors/", views.assessor_add, name="assessor-add"),
    path("offerings/<int:pk>/assessors/<int:user_id>/remove/", views.assessor_remove, name="assessor-remove"),
    path("offerings/<int:pk>/results/", views.results, name="results"),
    path("offerings/<int:pk>/import/", views.import_upload, name="import"),
    path("offerings/<int:pk>/import/commit/", views.import_commit, name="import-commit"),
    path("offerings/<int:pk>/import/template.<str:file_format>", views.import_template, name="import-template"),
]
