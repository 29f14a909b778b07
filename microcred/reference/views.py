from django.shortcuts import render


def skills_page(request):
    return render(request, "reference/skills.html", {})


def sources_page(request):
    return render(request, "reference/sources.html", {})
