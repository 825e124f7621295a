from django.urls import path

from web.sme import company, diagnosis, engagements, incidents, money, requests, subsidies, views

app_name = "sme"

urlpatterns = [
    path("", views.home, name="home"),
    path("company/", company.company, name="company"),
    path("company/corporate-number/", company.number_check, name="company_number_check"),
    path("company/size-class/", company.size_check, name="company_size_check"),
    path("diagnosis/", diagnosis.overview, name="diagnosis"),
    path("diagnosis/<uuid:diagnosis_id>/", diagnosis.detail, name="diagnosis_detail"),
    path("diagnosis/<uuid:diagnosis_id>/sheets/<uuid:sheet_id>/", diagnosis.sheet, name="diagnosis_sheet"),
    path("requests/new/", requests.new, name="request_new"),
    path("requests/appi-clocks/", requests.appi_clocks, name="request_appi_clocks"),
    path("requests/<uuid:request_id>/", requests.detail, name="request"),
    path("requests/<uuid:request_id>/edit/", requests.edit, name="request_edit"),
    path("requests/<uuid:request_id>/compare/", requests.compare, name="request_compare"),
    path("requests/<uuid:request_id>/select/<uuid:proposal_id>/", requests.select, name="request_select"),
    path("engagements/<uuid:engagement_id>/", engagements.engagement_detail, name="engagement"),
    path("engagements/<uuid:engagement_id>/terms.pdf", engagements.engagement_terms, name="engagement_terms"),
    path("invoices/<uuid:invoice_id>/", money.invoice_detail, name="invoice"),
    path("invoices/<uuid:invoice_id>/paid/", money.invoice_paid, name="invoice_paid"),
    path("invoices/<uuid:invoice_id>/invoice.pdf", money.invoice_pdf, name="invoice_pdf"),
    path("invoices/<uuid:invoice_id>/payments/<uuid:payment_id>/receipt.pdf", money.receipt_pdf, name="receipt"),
    path("subsidies/<uuid:case_id>/", subsidies.subsidy_detail, name="subsidy"),
    path("subsidies/<uuid:case_id>/calendar.ics", subsidies.subsidy_calendar, name="subsidy_calendar"),
    path("members/", views.members, name="members"),
    path("incidents/", incidents.reports, name="incident_reports"),
    path("incidents/<uuid:report_id>/", incidents.report_detail, name="incident_report"),
    path("engagements/<uuid:engagement_id>/incident-report/", incidents.report_new, name="incident_report_new"),
    path("engagements/<uuid:engagement_id>/support/", incidents.engagement_support, name="engagement_support"),
    path("subsidies/<uuid:case_id>/costs/", incidents.case_costs, name="subsidy_costs"),
    path("shared-reports/", incidents.shared_reports, name="shared_reports"),
    path("shared-reports/figures/", incidents.shared_aggregates, name="shared_aggregates"),
    path("subsidies/<uuid:case_id>/documents/<uuid:document_id>/", subsidies.subsidy_document, name="subsidy_document"),
]
