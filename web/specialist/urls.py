from django.urls import path

from web.specialist import profile_views, views

app_name = "specialist"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", profile_views.profile, name="profile"),
    path("profile/preview/", profile_views.profile_preview, name="profile_preview"),
    path("reviews/", profile_views.reviews, name="reviews"),
    path("proposals/<uuid:proposal_id>/", views.proposal_detail, name="proposal"),
    path("engagements/<uuid:engagement_id>/", views.engagement_detail, name="engagement"),
    path("engagements/<uuid:engagement_id>/terms.pdf", views.engagement_terms, name="engagement_terms"),
    path("credentials/", views.credentials, name="credentials"),
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/return/", views.payouts_return, name="payouts_return"),
    path("payouts/refresh/", views.payouts_refresh, name="payouts_refresh"),
]
