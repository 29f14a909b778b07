from django.urls import path

from microcred.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("templates/<int:pk>/questions/new/", views.question_add, name="question-add"),
    path("templates/<int:pk>/versions/new/", views.version_new, name="version-new"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question-edit"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question-delete"),
    path("<int:pk>/", views.survey_results, name="results"),
    path("<int:pk>/answer/", views.answer_signed_in, name="answer"),
    path("<int:pk>/answer/<str:token>/", views.answer_with_token, name="answer-token"),
    path("micro-credentials/<int:pk>/", views.micro_credential_results, name="micro-credential"),
    path("universities/<int:pk>/", views.university_results, name="university"),
]
