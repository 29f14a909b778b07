"""Pathways: the public list and pages (/pathways/), and the staff's pages under them."""

from django.urls import path

from microcred.pathways import views

app_name = "pathways"

urlpatterns = [
    path("", views.pathway_list, name="index"),
    path("propose/", views.propose, name="propose"),
    path("proposals/<int:proposal_id>/edit/", views.proposal_edit, name="proposal-edit"),
    path("<slug:slug>/", views.pathway_page, name="detail"),
    path("<slug:slug>/v<int:number>/", views.pathway_page, name="version"),
    path("<slug:slug>/change/", views.start_change, name="change"),
    path("<slug:slug>/retire/", views.retire, name="retire"),
]
