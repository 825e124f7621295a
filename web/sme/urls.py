from django.urls import path

from web.sme import views

app_name = "sme"

urlpatterns = [
    path("", views.home, name="home"),
    path("company/", views.company, name="company"),
    path("requests/<uuid:request_id>/", views.request_detail, name="request"),
    path("engagements/<uuid:engagement_id>/", views.engagement_detail, name="engagement"),
    path("engagements/<uuid:engagement_id>/terms.pdf", views.engagement_terms, name="engagement_terms"),
    path("invoices/<uuid:invoice_id>/", views.invoice_detail, name="invoice"),
    path("invoices/<uuid:invoice_id>/paid/", views.invoice_paid, name="invoice_paid"),
    path("invoices/<uuid:invoice_id>/invoice.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("subsidies/<uuid:case_id>/", views.subsidy_detail, name="subsidy"),
    path("members/", views.members, name="members"),
    path("subsidies/<uuid:case_id>/documents/<uuid:document_id>/", views.subsidy_document, name="subsidy_document"),
]
