"""Pages in the `web:` namespace that are about one's account (see web/urls.py)."""

from django.urls import path

from web.account import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
]
