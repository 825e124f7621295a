from django.urls import path

from web.sme import views

app_name = "sme"

urlpatterns = [
    path("", views.home, name="home"),
]
