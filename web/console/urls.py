from django.urls import path

from web.console import bank, dashboard, engagements, incidents, matches, money, subsidies

app_name = "console"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("figures.csv", dashboard.figures_csv, name="figures_csv"),
    path("companies/", bank.companies, name="companies"),
    path("companies/<uuid:company_id>/", bank.company, name="company"),
    path("certifications/", bank.certifications, name="certifications"),
    path("certifications/<uuid:certification_id>/", bank.certification, name="certification"),
    path(
        "certifications/<uuid:certification_id>/evidence/",
        bank.certification_evidence,
        name="certification_evidence",
    ),
    path(
        "certifications/<uuid:certification_id>/evidence/inline/",
        bank.certification_evidence_inline,
        name="certification_evidence_inline",
    ),
    path("proposals/", matches.proposals, name="proposals"),
    path("runs/", matches.runs, name="runs"),
    path("runs/<uuid:run_id>/", matches.run, name="run"),
    path("requests/<uuid:request_id>/", matches.request_detail, name="requests"),
    path("engagements/", engagements.engagements, name="engagements"),
    path("engagements/<uuid:engagement_id>/", engagements.engagement, name="engagement"),
    path("subsidy-cases/", subsidies.subsidy_cases, name="subsidy_cases"),
    path("subsidy-cases/<uuid:case_id>/", subsidies.subsidy_case, name="subsidy_case"),
    path(
        "subsidy-cases/<uuid:case_id>/documents/<uuid:document_id>/",
        subsidies.subsidy_document,
        name="subsidy_document",
    ),
    path(
        "subsidy-cases/<uuid:case_id>/documents/<uuid:document_id>/inline/",
        subsidies.subsidy_document_inline,
        name="subsidy_document_inline",
    ),
    path("invoices/", money.invoices, name="invoices"),
    path("invoices/<uuid:invoice_id>/", money.invoice, name="invoice"),
    path("specialists/", bank.specialists, name="specialists"),
    path("specialists/import/", bank.specialist_import, name="specialist_import"),
    path("specialists/import/<uuid:job_id>/", bank.specialist_import_job, name="specialist_import_job"),
    path("specialists/<uuid:specialist_id>/", bank.specialist, name="specialist"),
    path("reports/", incidents.reports, name="reports"),
    path("reports/figures/", incidents.aggregates, name="report_aggregates"),
    path("reports/stix.json", incidents.stix_bundle, name="reports_stix"),
    path("reports/<uuid:shared_id>/", incidents.report, name="report"),
    path("subsidy-cases/<uuid:case_id>/costs/", incidents.case_costs, name="subsidy_costs"),
]
