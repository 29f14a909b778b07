from django.conf import settings

from microcred.core.navigation import navigation_for


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "nav_items": navigation_for(user) if user is not None else [],
    }
