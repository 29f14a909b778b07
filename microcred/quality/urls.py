from django.urls import path

from microcred.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/new/", views.report_create, name="report-create"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
    path("reports/<int:pk>/agenda/", views.report_put_on_agenda, name="report-agenda"),
    path("recommendations/new/", views.recommendation_create, name="recommendation-create"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("recommendations/<int:pk>/close/", views.recommendation_close, name="recommendation-close"),
    path("recommendations/<int:pk>/link/", views.recommendation_link, name="recommendation-link"),
    path("recommendations/<int:pk>/change/", views.recommendation_start_change, name="recommendation-change"),
]
