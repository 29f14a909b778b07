"""Pathways: the public list and pages (/pathways/), and the staff's pages under them."""

from django.urls import path, re_path

from microcred.pathways import award_views, views

app_name = "pathways"

urlpatterns = [
    path("", views.pathway_list, name="index"),
    path("propose/", views.propose, name="propose"),
    # The credential officers' page of pathway credentials (award_views: issue #12, item 4).
    path("awards/", award_views.awards_page, name="awards-to-review"),
    path("awards/<int:award_id>/decide/", award_views.decide, name="award-decide"),
    path("awards/versions/<int:version_id>/run/", award_views.start_run, name="award-run-start"),
    path("awards/runs/<int:pk>/", award_views.run_detail, name="award-run"),
    path("awards/runs/<int:pk>/progress.json", award_views.run_progress, name="award-run-progress"),
    path("proposals/<int:proposal_id>/edit/", views.proposal_edit, name="proposal-edit"),
    # The badge of the current version and of each version (the OB 3.0 Achievement.image of its credentials).
    re_path(r"^(?P<slug>[-a-zA-Z0-9_]+)/badge\.(?P<fmt>svg|png)$", views.badge, name="badge"),
    re_path(
        r"^(?P<slug>[-a-zA-Z0-9_]+)/v(?P<number>[0-9]{1,5})/badge\.(?P<fmt>svg|png)$", views.badge, name="version-badge"
    ),
    path("<slug:slug>/", views.pathway_page, name="detail"),
    path("<slug:slug>/v<int:number>/", views.pathway_page, name="version"),
    path("<slug:slug>/change/", views.start_change, name="change"),
    path("<slug:slug>/retire/", views.retire, name="retire"),
]
