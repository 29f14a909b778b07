"""Pages of the reporting app: the staff dashboard (and its exports) and the public impact page."""

from django.urls import path

from microcred.reporting import public_views, views

app_name = "reporting"

urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("tables/<slug:table>.<str:fmt>", views.export_table, name="export"),
    path("board-report.pdf", views.board_report_pdf, name="board_report"),
    path("board-report/agenda/", views.board_report_to_agenda, name="board_report_agenda"),
    path("impact/", public_views.impact, name="impact"),
]
