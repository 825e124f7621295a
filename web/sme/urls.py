from django.urls import path

from web.sme import incidents, views

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
    path("incidents/", incidents.reports, name="incident_reports"),
    path("incidents/<uuid:report_id>/", incidents.report_detail, name="incident_report"),
    path("engagements/<uuid:engagement_id>/incident-report/", incidents.report_new, name="incident_report_new"),
    path("engagements/<uuid:engagement_id>/support/", incidents.engagement_support, name="engagement_support"),
    path("subsidies/<uuid:case_id>/costs/", incidents.case_costs, name="subsidy_costs"),
    path("shared-reports/", incidents.shared_reports, name="shared_reports"),
    path("shared-reports/figures/", incidents.shared_aggregates, name="shared_aggregates"),
    path("subsidies/<uuid:case_id>/documents/<uuid:document_id>/", views.subsidy_document, name="subsidy_document"),
]
