from django.urls import path

from microcred.credentials import pages, sd_jwt_views, staff_pages, trust_views, views

app_name = "credentials"

urlpatterns = [
    path("issuers/<slug:slug>/did.json", views.did_json, name="did_json"),
    path("issuers/<slug:slug>", views.issuer_profile_json, name="issuer_profile"),
    path("status/<slug:slug>/<int:number>", views.status_list, name="status_list"),
    path("status/<slug:slug>/<int:number>/token", sd_jwt_views.status_list_token, name="status_list_token"),
    path("vct/micro-credential/v1", sd_jwt_views.vct_type_metadata, name="vct_type_metadata"),
    path("ns/microcredential/v1", views.extension_context, name="extension_context"),
    path("ns/microcredential/v1/schema.json", views.extension_schema, name="extension_schema"),
    path("ns/microcredential/registry/v1", trust_views.registry_context, name="registry_context"),
    path("trust/registry.json", trust_views.trust_registry, name="trust_registry"),
    path("trust/registry.vc.json", trust_views.trust_registry_credential, name="trust_registry_credential"),
    path("verify/", pages.verify_page, name="verify"),
    path("credentials/issue/", staff_pages.issue_queue, name="issue-queue"),
    path("credentials/issue/offering/<int:offering_id>/", staff_pages.issue_offering, name="issue-offering"),
    path("credentials/issue/enrolment/<int:enrolment_id>/", staff_pages.issue_single, name="issue-single"),
    path("credentials/jobs/<int:pk>/", staff_pages.job_detail, name="job"),
    path("credentials/jobs/<int:pk>/progress.json", staff_pages.job_progress, name="job-progress"),
    path("credentials/jobs/<int:pk>/resume/", staff_pages.job_resume, name="job-resume"),
    path("credentials/issued/", staff_pages.issued_list, name="issued"),
    path("credentials/issued/<int:pk>/revoke/", staff_pages.revoke, name="revoke"),
    path("credentials/", pages.my_credentials, name="mine"),
    path("credentials/<uuid:uuid>/", pages.public_credential, name="public"),
    path("credentials/<uuid:uuid>/credential.<str:fmt>", pages.download, name="download"),
]
