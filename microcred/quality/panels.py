"""The quality app's section on a micro-credential's page (catalogue.staff_panels): its open recommendations, for
those who may read them."""

from __future__ import annotations

from django.template.loader import render_to_string

from microcred.quality import permissions, selectors


def open_recommendations_panel(request, micro_credential) -> str:
    user = request.user
    sees_all = permissions.sees_every_recommendation(user)
    if not sees_all and not (
        permissions.university_ids_of(user) & permissions.micro_credential_university_ids(micro_credential)
    ):
        return ""
    recommendations = list(selectors.open_recommendations_of(micro_credential))
    if not recommendations and not sees_all:
        return ""
    return render_to_string(
        "quality/includes/open_recommendations.html", {"recommendations": recommendations}, request=request
    )
