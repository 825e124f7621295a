from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api.accounts import views as accounts
from api.billing import views as billing
from api.incidents import views as incidents
from api.matching import views as matching
from api.subsidies import views as subsidies
from api.talent import views as talent

router = DefaultRouter()
router.register("chambers", accounts.ChamberViewSet, basename="chamber")
router.register("companies", accounts.CompanyViewSet, basename="company")
router.register("skills", talent.SkillViewSet, basename="skill")
router.register("specialists", talent.SpecialistViewSet, basename="specialist")
router.register("certifications", talent.CertificationViewSet, basename="certification")
router.register("requests", matching.RequestViewSet, basename="request")
router.register("match-runs", matching.MatchRunViewSet, basename="match-run")
router.register("proposals", matching.ProposalViewSet, basename="proposal")
router.register("engagements", matching.EngagementViewSet, basename="engagement")
router.register("reviews", matching.ReviewViewSet, basename="review")
router.register("subsidy-programs", subsidies.SubsidyProgramViewSet, basename="subsidy-program")
router.register("subsidy-cases", subsidies.SubsidyCaseViewSet, basename="subsidy-case")
router.register("invoices", billing.InvoiceViewSet, basename="invoice")
router.register("payments", billing.PaymentViewSet, basename="payment")
router.register("time-entries", billing.TimeEntryViewSet, basename="time-entry")
router.register("fee-statements", billing.FeeStatementViewSet, basename="fee-statement")
router.register("incident-reports", incidents.IncidentReportViewSet, basename="incident-report")
router.register("shared-incidents", incidents.SharedIncidentViewSet, basename="shared-incident")
router.register("incident-policies", incidents.SharingPolicyViewSet, basename="incident-policy")
router.register("invitations", accounts.InvitationViewSet, basename="invitation")

urlpatterns = [
    path("auth/register/", accounts.RegisterView.as_view(), name="register"),
    path("auth/token/", accounts.TokenObtainPairView.as_view(), name="token"),
    path("auth/token/refresh/", accounts.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/confirm-email/", accounts.ConfirmEmailView.as_view(), name="confirm-email"),
    path("auth/confirm-email/resend/", accounts.ResendConfirmationView.as_view(), name="confirm-email-resend"),
    path("auth/password-reset/", accounts.PasswordResetView.as_view(), name="password-reset"),
    path("auth/password-reset/confirm/", accounts.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("auth/password/", accounts.PasswordChangeView.as_view(), name="password-change"),
    path("invitations/accept/", accounts.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("users/<uuid:pk>/deactivate/", accounts.DeactivateUserView.as_view(), name="user-deactivate"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("billing/stripe/webhook/", billing.StripeWebhookView.as_view(), name="stripe-webhook"),
    path("billing/connect/onboard/", billing.ConnectOnboardView.as_view(), name="connect-onboard"),
    path(
        "engagements/<uuid:pk>/terms.pdf",
        matching.EngagementViewSet.as_view({"get": "terms_pdf"}),
        name="engagement-terms-pdf",
    ),
    path(
        "subsidy-cases/<uuid:pk>/deadlines.ics",
        subsidies.SubsidyCaseViewSet.as_view({"get": "deadlines_ics"}),
        name="subsidy-case-deadlines-ics",
    ),
    path("invoices/<uuid:pk>/invoice.pdf", billing.InvoiceViewSet.as_view({"get": "invoice_pdf"}), name="invoice-pdf"),
    path("payments/<uuid:pk>/receipt.pdf", billing.PaymentViewSet.as_view({"get": "receipt_pdf"}), name="receipt-pdf"),
    path(
        "fee-statements/<uuid:pk>/fee-invoice.pdf",
        billing.FeeStatementViewSet.as_view({"get": "fee_invoice_pdf"}),
        name="fee-invoice-pdf",
    ),
    path(
        "fee-statements/<uuid:pk>/payout-statement.pdf",
        billing.FeeStatementViewSet.as_view({"get": "payout_statement_pdf"}),
        name="payout-statement-pdf",
    ),
    path("", include("api.diagnosis.urls")),
    path("", include(router.urls)),
]
