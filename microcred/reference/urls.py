from django.urls import path

from microcred.reference import views

app_name = "reference"

urlpatterns = [
    path("skills/", views.skills_page, name="skills"),
    path("sources/", views.sources_page, name="sources"),
]
