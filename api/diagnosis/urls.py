"""The self-diagnosis routes, included by api/urls.py."""

from django.urls import path

from api.diagnosis import views

urlpatterns = [
    path("diagnosis/questionnaire/", views.QuestionnaireView.as_view(), name="diagnosis-questionnaire"),
    path("companies/<uuid:company_id>/diagnoses/", views.CompanyDiagnosesView.as_view(), name="company-diagnoses"),
    path(
        "companies/<uuid:company_id>/security-action/readiness/",
        views.ReadinessView.as_view(),
        name="company-security-action-readiness",
    ),
    path("companies/<uuid:company_id>/basic-policy/", views.BasicPolicyView.as_view(), name="company-basic-policy"),
    path(
        "companies/<uuid:company_id>/basic-policy/file/",
        views.BasicPolicyFileView.as_view(),
        name="company-basic-policy-file",
    ),
    path("diagnoses/<uuid:pk>/", views.DiagnosisView.as_view(), name="diagnosis-detail"),
    path("diagnoses/<uuid:pk>/result/", views.DiagnosisResultView.as_view(), name="diagnosis-result"),
    path("diagnoses/<uuid:pk>/complete/", views.DiagnosisCompleteView.as_view(), name="diagnosis-complete"),
    path("diagnoses/<uuid:pk>/sheets/", views.SheetsView.as_view(), name="diagnosis-sheets"),
    path("diagnoses/<uuid:pk>/sheets/<uuid:sheet_id>/", views.SheetView.as_view(), name="diagnosis-sheet"),
    path("diagnoses/<uuid:pk>/draft-request/", views.DraftRequestView.as_view(), name="diagnosis-draft-request"),
    path(
        "chambers/<uuid:chamber_id>/diagnosis-bands/", views.ChamberBandsView.as_view(), name="chamber-diagnosis-bands"
    ),
]
