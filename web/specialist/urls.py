from django.urls import path

from web.specialist import views

app_name = "specialist"

urlpatterns = [
    path("", views.home, name="home"),
]
