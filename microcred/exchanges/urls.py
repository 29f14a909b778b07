from django.urls import path

from microcred.exchanges import views

app_name = "exchanges"

urlpatterns = [
    path("exchanges/<str:exchange_id>", views.participate, name="participate"),
    path("credentials/<uuid:uuid>/learner-credential-wallet/", views.send_to_lcw, name="send"),
]
