from django.urls import path

from microcred.handoffs import views

app_name = "handoffs"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("<int:pk>/", views.task_detail, name="task"),
    path("<int:pk>/checklist/", views.task_checklist, name="checklist"),
    path("<int:pk>/status/", views.task_status, name="status"),
]
