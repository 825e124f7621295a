"""Pages in the `web:` namespace that are about one's account (see web/urls.py)."""

from django.urls import path

from web.account import preferences, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("signup/", views.signup, name="signup"),
    # Before confirm/<token>/: "sent" is a page, not a token.
    path("confirm/sent/", views.confirm_email_sent, name="confirm_email_sent"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path("password-reset/<str:uidb64>/<str:token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("invite/<str:token>/", views.invite, name="invite"),
    path("settings/", views.account_settings, name="settings"),
    path("settings/notifications/", preferences.settings_notifications, name="settings_notifications"),
    path("settings/calendar/", preferences.settings_calendar, name="settings_calendar"),
    path("calendar/<str:token>.ics", preferences.calendar_feed, name="calendar_feed"),
]
