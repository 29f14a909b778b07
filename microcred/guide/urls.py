from django.urls import path

from microcred.guide import views

app_name = "guide"

urlpatterns = [
    path("", views.guide, name="index"),
]
