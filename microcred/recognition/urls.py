from django.urls import path

from microcred.recognition import views

app_name = "recognition"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new_request, name="new"),
    path("<int:pk>/", views.request_detail, name="request"),
    path("<int:pk>/appeal/", views.appeal, name="appeal"),
    path("<int:pk>/share/", views.share, name="share"),
    path("<int:pk>/share/withdraw/", views.withdraw_share, name="withdraw-share"),
    path("s/<str:token>/", views.shared, name="shared"),
    path("queue/", views.queue, name="queue"),
    path("queue/<int:pk>/", views.review, name="review"),
    path("queue/<int:pk>/decision/", views.decide, name="decide"),
    path("queue/<int:pk>/confirmation/", views.confirm, name="confirm"),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/new/", views.agreement_form, name="agreement-new"),
    path("agreements/<int:pk>/", views.agreement_form, name="agreement-edit"),
]
