from django.urls import path

from microcred.wallet import views

app_name = "wallet"

urlpatterns = [
    path("wallet/", views.wallet, name="home"),
    path("wallet/record/", views.record, name="record"),
    path("wallet/record.pdf", views.record_pdf, name="record-pdf"),
    path("wallet/record.json", views.record_signed, name="record-json"),
    path("wallet/my-data/", views.my_data, name="my-data"),
    path("wallet/my-data/export/", views.export_data, name="export"),
    path("wallet/my-data/erase/", views.erase_account, name="erase"),
    path("wallet/received/add/", views.receive, name="receive"),
    path("wallet/received/<uuid:uuid>/", views.received_detail, name="received"),
    path("wallet/received/<uuid:uuid>/recheck/", views.recheck_received, name="received-recheck"),
    path("wallet/received/<uuid:uuid>/remove/", views.remove_received, name="received-remove"),
    path("wallet/<uuid:uuid>/", views.credential_detail, name="credential"),
    path("wallet/<uuid:uuid>/share/", views.share, name="share"),
    path("wallet/<uuid:uuid>/links/<int:link_id>/withdraw/", views.withdraw, name="withdraw"),
    path("s/<str:token>/", views.shared, name="shared"),
    path("s/<str:token>/credential.json", views.shared_json, name="shared-json"),
]
