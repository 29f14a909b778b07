from django.urls import path

from microcred.seals import views

app_name = "seals"

urlpatterns = [
    path("credentials/<uuid:uuid>/sealed-elm.json", views.download_sealed_elm, name="download"),
]
