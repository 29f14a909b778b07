"""Pages of the reporting app: the staff dashboard (and its exports) and the public impact page."""

from django.urls import path

app_name = "reporting"

urlpatterns: list = []
