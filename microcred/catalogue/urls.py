"""The public catalogue (/catalogue/) and the communication office's pages under it."""

from django.urls import path, re_path

from microcred.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.catalogue_index, name="index"),
    path("categories/<slug:slug>/", views.category_overview_page, name="overview"),
    path("manage/categories/", views.manage_overviews, name="manage-overviews"),
    path("manage/categories/new/", views.overview_edit, name="overview-create"),
    path("manage/categories/<int:pk>/edit/", views.overview_edit, name="overview-edit"),
    path("manage/categories/<int:pk>/publish/", views.overview_publish, name="overview-publish"),
    path("manage/versions/<int:pk>/translations/", views.version_translations, name="translations"),
    path("manage/<int:pk>/retire/", views.retire, name="retire"),
    # The badge of the latest version, and of each version (the OB 3.0 Achievement.image of its credentials).
    re_path(r"^(?P<slug>[-a-zA-Z0-9_]+)/badge\.(?P<fmt>svg|png)$", views.badge, name="badge"),
    re_path(
        r"^(?P<slug>[-a-zA-Z0-9_]+)/v(?P<number>[0-9]{1,5})/badge\.(?P<fmt>svg|png)$", views.badge, name="version-badge"
    ),
    path("<slug:slug>/", views.micro_credential_page, name="detail"),
    path("<slug:slug>/v<int:number>/", views.micro_credential_page, name="version"),
]
