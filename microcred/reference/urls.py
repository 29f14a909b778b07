from django.urls import path

from microcred.reference import views

app_name = "reference"

urlpatterns = [
    path("skills/", views.skills_page, name="skills"),
    path("occupations/<str:reference>/", views.occupation_page, name="occupation"),
    path("frameworks/", views.frameworks_page, name="frameworks"),
    path("sources/", views.sources_page, name="sources"),
    path("institutions/<slug:slug>/logo", views.institution_logo, name="institution_logo"),
    path("brand.css", views.brand_stylesheet, name="brand_stylesheet"),
]
