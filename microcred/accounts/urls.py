from django.urls import path

from microcred.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register-done"),
    path("verify/<str:token>/", views.verify_email, name="verify-email"),
    path("verify-again/", views.resend_verification, name="resend-verification"),
    path("profile/", views.profile, name="profile"),
    path("about-you/", views.background, name="background"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]
