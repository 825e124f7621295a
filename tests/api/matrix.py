"""The permission matrix: every route x method x persona -> expected status.

Add a row for every endpoint; `test_permission_matrix.py` fails when the schema has
an operation this table does not cover.

Personas are data (tests/personas.py): a new persona is one line there, declared
`like` an existing one, plus overrides in the rows where it differs.
"""

from tests.personas import BASE, PERSONAS


def row(*values, **overrides):
    """Statuses for the base personas in order; every later persona answers like the one it
    is declared `like` (tests/personas.py) unless named here."""
    statuses = dict(zip(BASE, values, strict=True))
    for persona in PERSONAS.values():
        if persona.name not in statuses:
            statuses[persona.name] = statuses[persona.like]
    return statuses | overrides


ALL_200 = row(200, 200, 200, 200, 200, 200, 200, 200)
AUTHENTICATED_200 = row(401, 200, 200, 200, 200, 200, 200, 200)
ADMINS_ONLY = row(401, 403, 403, 403, 403, 200, 200, 200)
SPECIALISTS_ONLY = row(401, 403, 403, 200, 200, 403, 403, 403)
# Bob's credential: Bob and every chamber admin (the bank is shared), nobody else.
BOBS_CREDENTIAL = row(401, 404, 404, 200, 404, 200, 200, 200)

# (method, path template) -> (expected statuses, request body, or the name of a body factory)
# Placeholders: {company} the Tokyo company, {chamber} the Tokyo chamber,
# {specialist} Bob's profile, {certification} Bob's pending credential.
MATRIX: dict[tuple[str, str], tuple[dict[str, int], object]] = {
    ("GET", "/api/v1/me/"): (AUTHENTICATED_200, None),
    ("PATCH", "/api/v1/me/"): (AUTHENTICATED_200, {"language": "en"}),
    ("GET", "/api/v1/chambers/"): (ALL_200, None),
    ("GET", "/api/v1/chambers/{chamber}/"): (ALL_200, None),
    ("GET", "/api/v1/companies/"): (AUTHENTICATED_200, None),
    ("POST", "/api/v1/companies/"): (row(401, 201, 201, 403, 403, 403, 403, 201), "new_company"),
    ("GET", "/api/v1/companies/{company}/"): (row(401, 200, 404, 404, 404, 200, 404, 200), None),
    ("PATCH", "/api/v1/companies/{company}/"): (
        row(401, 200, 404, 404, 404, 403, 404, 403),
        {"city": "港区"},
    ),
    ("POST", "/api/v1/companies/{company}/verify/"): (row(401, 403, 403, 403, 403, 200, 404, 200), {}),
    ("POST", "/api/v1/companies/{company}/reject/"): (
        row(401, 403, 403, 403, 403, 200, 404, 200),
        {"note": "登記簿と一致しません"},
    ),
    ("GET", "/api/v1/skills/"): (ALL_200, None),
    ("GET", "/api/v1/specialists/"): (AUTHENTICATED_200, None),
    ("GET", "/api/v1/specialists/me/"): (SPECIALISTS_ONLY, None),
    ("PATCH", "/api/v1/specialists/me/"): (SPECIALISTS_ONLY, {"bio": "フォレンジック歴10年"}),
    ("GET", "/api/v1/specialists/{specialist}/"): (AUTHENTICATED_200, None),
    ("POST", "/api/v1/specialists/{specialist}/suspend/"): (ADMINS_ONLY, {"note": "苦情の調査中"}),
    # Bob is active, so reactivating is a wrong state for those allowed to try.
    ("POST", "/api/v1/specialists/{specialist}/reactivate/"): (
        row(401, 403, 403, 403, 403, 409, 409, 409),
        {"note": "調査完了"},
    ),
    ("GET", "/api/v1/certifications/"): (AUTHENTICATED_200, None),
    ("POST", "/api/v1/certifications/"): (row(401, 403, 403, 201, 201, 403, 403, 403), "new_certification"),
    ("GET", "/api/v1/certifications/{certification}/"): (BOBS_CREDENTIAL, None),
    ("GET", "/api/v1/certifications/{certification}/evidence/"): (BOBS_CREDENTIAL, None),
    ("POST", "/api/v1/certifications/{certification}/verify/"): (ADMINS_ONLY, {}),
    ("POST", "/api/v1/certifications/{certification}/reject/"): (ADMINS_ONLY, {"note": "番号が読めません"}),
}

OWNER_WRITES = row(401, 200, 404, 403, 403, 403, 403, 404)
SEEN_BY_TOKYO = row(401, 200, 404, 404, 404, 200, 404, 200)
ADMINS_OF_TOKYO = row(401, 403, 403, 403, 403, 200, 404, 200)
BOB_ANSWERS = row(401, 403, 403, 200, 404, 403, 403, 403)

# {request}: Tokyo open request; {draft}: Tokyo draft request; {run}: Tokyo run;
# {review}: Bob's proposal pending review; {approved}: Bob's approved proposal;
# {accepted}: Bob's accepted proposal; {engagement}: Alice's company x Bob (advisor).
MATRIX.update(
    {
        ("GET", "/api/v1/requests/"): (AUTHENTICATED_200, None),
        # Another company's id answers like a missing one: 400, so ids can't be probed.
        ("POST", "/api/v1/requests/"): (row(401, 201, 400, 403, 403, 403, 403, 404), "new_request"),
        ("GET", "/api/v1/requests/{request}/"): (SEEN_BY_TOKYO, None),
        ("PATCH", "/api/v1/requests/{draft}/"): (OWNER_WRITES, {"title": "BCP策定の相談"}),
        ("POST", "/api/v1/requests/{draft}/publish/"): (OWNER_WRITES, {}),
        ("POST", "/api/v1/requests/{draft}/cancel/"): (OWNER_WRITES, {"note": "予算がつかず"}),
        ("GET", "/api/v1/match-runs/"): (row(401, 403, 403, 403, 403, 200, 200, 200), None),
        ("POST", "/api/v1/match-runs/"): (row(401, 403, 403, 403, 403, 202, 400, 202), "new_run"),
        ("POST", "/api/v1/match-runs/{run}/approve/"): (ADMINS_OF_TOKYO, {}),
        ("GET", "/api/v1/match-runs/{run}/"): (ADMINS_OF_TOKYO, None),
        ("GET", "/api/v1/proposals/"): (AUTHENTICATED_200, None),
        ("GET", "/api/v1/proposals/{review}/"): (row(401, 404, 404, 404, 404, 200, 404, 200), None),
        ("POST", "/api/v1/proposals/{review}/approve/"): (ADMINS_OF_TOKYO, {}),
        ("POST", "/api/v1/proposals/{review}/reject/"): (ADMINS_OF_TOKYO, {"note": "経験不足"}),
        ("POST", "/api/v1/proposals/{approved}/accept/"): (BOB_ANSWERS, {}),
        ("POST", "/api/v1/proposals/{approved}/decline/"): (BOB_ANSWERS, {"note": "日程が合わず"}),
        ("POST", "/api/v1/proposals/{accepted}/select/"): (OWNER_WRITES, {"terms": {"hours_per_month": 4}}),
        ("GET", "/api/v1/engagements/"): (AUTHENTICATED_200, None),
        ("GET", "/api/v1/engagements/{engagement}/"): (row(401, 200, 404, 200, 404, 200, 404, 200), None),
        ("POST", "/api/v1/engagements/{engagement}/complete/"): (OWNER_WRITES, {}),
        # Either party ends it (the SME's notice on a retainer runs 30 days).
        ("POST", "/api/v1/engagements/{engagement}/terminate/"): (
            row(401, 200, 404, 200, 404, 403, 403, 404),
            {"note": "契約終了"},
        ),
        ("GET", "/api/v1/engagements/{engagement}/terms.pdf"): (row(401, 200, 404, 200, 404, 200, 404, 200), None),
        ("GET", "/api/v1/reviews/"): (AUTHENTICATED_200, None),
        ("GET", "/api/v1/reviews/{review_row}/"): (row(401, 200, 404, 200, 404, 200, 404, 200), None),
        ("POST", "/api/v1/engagements/{engagement}/review/"): (
            row(401, 201, 404, 403, 403, 403, 403, 404),
            {"rating": 5, "comment": "迅速な対応でした"},
        ),
    }
)

# Subsidies. {program}: the national trial-employment program; {case}: Alice's shop's case
# collecting documents (a document missing, so submit/ is a 409 for those who may file);
# {document}: its plan. The 社労士 acts on the shop's cases like the owner, and on nothing else.
CASE_READERS = row(401, 200, 404, 404, 404, 200, 404, 200, labour_attorney=200)
CASE_ACTORS = row(401, 200, 404, 404, 404, 403, 404, 403, labour_attorney=200)
MATRIX.update(
    {
        ("GET", "/api/v1/subsidy-programs/"): (AUTHENTICATED_200, None),
        ("POST", "/api/v1/subsidy-programs/"): (row(401, 403, 403, 403, 403, 201, 201, 201), "new_program"),
        ("GET", "/api/v1/subsidy-programs/{program}/"): (AUTHENTICATED_200, None),
        # A national program: operators only (a chamber admin manages their chamber's own).
        ("PATCH", "/api/v1/subsidy-programs/{program}/"): (
            row(401, 403, 403, 403, 403, 403, 403, 200),
            {"amount_jpy": 41_000},
        ),
        ("GET", "/api/v1/subsidy-cases/"): (AUTHENTICATED_200, None),
        # Opening a case needs the hire engagement in sight and membership of the company.
        ("POST", "/api/v1/subsidy-cases/"): (
            row(401, 201, 400, 404, 400, 404, 400, 404, labour_attorney=400),
            "new_case",
        ),
        ("GET", "/api/v1/subsidy-cases/{case}/"): (CASE_READERS, None),
        ("PATCH", "/api/v1/subsidy-cases/{case}/"): (CASE_ACTORS, {"referral": "hello_work"}),
        ("GET", "/api/v1/subsidy-cases/{case}/eligibility/"): (CASE_READERS, None),
        ("POST", "/api/v1/subsidy-cases/{case}/transition/"): (CASE_ACTORS, {"to": "withdrawn"}),
        # A chamber admin never files (社労士法27条): 403, nothing changed.
        ("POST", "/api/v1/subsidy-cases/{case}/submit/"): (
            row(401, 409, 404, 404, 404, 403, 404, 403, labour_attorney=409),
            {},
        ),
        ("GET", "/api/v1/subsidy-cases/{case}/documents/"): (CASE_READERS, None),
        ("GET", "/api/v1/subsidy-cases/{case}/comments/"): (CASE_READERS, None),
        # Chamber admins (and operators) advise here though they cannot file; the company answers.
        ("POST", "/api/v1/subsidy-cases/{case}/comments/"): (
            row(401, 201, 404, 404, 404, 201, 404, 201, labour_attorney=201),
            {"body": "賃金台帳は3か月分必要です"},
        ),
        ("POST", "/api/v1/subsidy-cases/{case}/documents/"): (
            row(401, 201, 404, 404, 404, 403, 404, 403, labour_attorney=201),
            "new_document",
        ),
        ("POST", "/api/v1/subsidy-cases/{case}/documents/{document}/review/"): (
            row(401, 403, 403, 403, 403, 200, 404, 200),
            {"status": "accepted"},
        ),
        ("GET", "/api/v1/subsidy-cases/{case}/documents/{document}/file/"): (CASE_READERS, None),
        ("GET", "/api/v1/subsidy-cases/{case}/deadlines.ics"): (CASE_READERS, None),
        ("GET", "/api/v1/subsidy-cases/export/"): (row(401, 403, 403, 403, 403, 200, 200, 200), None),
        ("POST", "/api/v1/companies/{company}/labour-attorneys/"): (
            row(401, 201, 404, 403, 403, 403, 403, 404),
            "new_attorney",
        ),
    }
)

# Billing, configured but with Stripe out of reach (a closed local port). {invoice}: Alice's shop's
# open retainer invoice (Bob has no payout account: paying is a 409, before any Stripe call);
# {payment}: a captured payment of another invoice; {time_entry}: hours Bob logged, not yet
# confirmed, on an hourly job ({hourly}). The 社労士 reaches none of it.
BILLING_READERS = row(401, 200, 404, 200, 404, 200, 404, 200)
ADMIN_ACTS = row(401, 403, 403, 403, 403, 200, 404, 200)
SME_ANSWERS = row(401, 200, 404, 403, 403, 403, 403, 404)
MATRIX.update(
    {
        # Onboarding calls Stripe, which is out of reach here: 503 "did not answer" for specialists.
        ("POST", "/api/v1/billing/connect/onboard/"): (row(401, 403, 403, 503, 503, 403, 403, 403), {}),
        ("GET", "/api/v1/invoices/"): (AUTHENTICATED_200, None),
        ("GET", "/api/v1/invoices/{invoice}/"): (BILLING_READERS, None),
        ("GET", "/api/v1/invoices/{invoice}/invoice.pdf"): (BILLING_READERS, None),
        ("POST", "/api/v1/invoices/{invoice}/pay/"): (row(401, 409, 404, 403, 403, 403, 403, 404), {}),
        ("POST", "/api/v1/invoices/{invoice}/void/"): (ADMIN_ACTS, {"note": "二重請求"}),
        ("GET", "/api/v1/invoices/export/"): (row(401, 403, 403, 403, 403, 200, 200, 200), None),
        ("GET", "/api/v1/payments/{payment}/"): (BILLING_READERS, None),
        ("GET", "/api/v1/payments/{payment}/receipt.pdf"): (BILLING_READERS, None),
        ("POST", "/api/v1/payments/{payment}/refund/"): (
            row(401, 403, 403, 403, 403, 202, 404, 202),
            {"amount_jpy": 1000, "reason": "一部未実施"},
        ),
        ("GET", "/api/v1/time-entries/"): (AUTHENTICATED_200, None),
        # Another specialist's engagement id answers like a missing one: 400.
        ("POST", "/api/v1/time-entries/"): (row(401, 403, 403, 201, 400, 403, 403, 403), "new_time_entry"),
        ("GET", "/api/v1/time-entries/{time_entry}/"): (BILLING_READERS, None),
        ("POST", "/api/v1/time-entries/{time_entry}/confirm/"): (SME_ANSWERS, {}),
        ("POST", "/api/v1/time-entries/{time_entry}/dispute/"): (SME_ANSWERS, {"note": "重複しています"}),
    }
)

# Issue 21 (ADR 0011). {invoice}'s terms name card, so paying it by bank transfer is a 409 before any
# Stripe call; the withholding summary without its query (company, month) is a 400 for anyone
# signed in (who may read which company's: tests/billing/test_exports.py); {fee_statement}: the
# Tokyo chamber's fee statement to Bob.
FEE_STATEMENT_READERS = row(401, 404, 404, 200, 404, 200, 404, 200)
MATRIX.update(
    {
        ("POST", "/api/v1/invoices/{invoice}/bank-transfer/"): (row(401, 409, 404, 403, 403, 403, 403, 404), {}),
        ("GET", "/api/v1/invoices/export-xlsx/"): (row(401, 403, 403, 403, 403, 200, 200, 200), None),
        ("GET", "/api/v1/invoices/withholding/"): (row(401, 400, 400, 400, 400, 400, 400, 400), None),
        ("GET", "/api/v1/fee-statements/"): (AUTHENTICATED_200, None),
        ("GET", "/api/v1/fee-statements/{fee_statement}/"): (FEE_STATEMENT_READERS, None),
        ("GET", "/api/v1/fee-statements/{fee_statement}/fee-invoice.pdf"): (FEE_STATEMENT_READERS, None),
        ("GET", "/api/v1/fee-statements/{fee_statement}/payout-statement.pdf"): (FEE_STATEMENT_READERS, None),
    }
)

# The account lifecycle. {invitation}: Alice's pending invitation of a colleague to her Tokyo
# company; {bob_user}: Bob's account. Everyone in the world confirmed their address already (a
# resend is a 409); the token endpoints refuse a made-up token alike for everyone (400).
EVERYONE_400 = row(400, 400, 400, 400, 400, 400, 400, 400)
ALICES_INVITATION = row(401, 200, 404, 404, 404, 404, 404, 200)
MATRIX.update(
    {
        ("POST", "/api/v1/auth/confirm-email/"): (EVERYONE_400, {"token": "made-up"}),
        ("POST", "/api/v1/auth/confirm-email/resend/"): (row(401, 409, 409, 409, 409, 409, 409, 409), {}),
        # The same answer whether or not the address has an account.
        ("POST", "/api/v1/auth/password-reset/"): (row(202, 202, 202, 202, 202, 202, 202, 202), {"email": "x@y.test"}),
        ("POST", "/api/v1/auth/password-reset/confirm/"): (
            EVERYONE_400,
            {"uid": "bWFkZS11cA", "token": "made-up", "password": "k7#Rt-unique-Passphrase"},
        ),
        ("POST", "/api/v1/auth/password/"): (
            row(401, 400, 400, 400, 400, 400, 400, 400),
            {"current_password": "wrong", "new_password": "k7#Rt-unique-Passphrase"},
        ),
        ("GET", "/api/v1/invitations/"): (AUTHENTICATED_200, None),
        # Another company's id answers like a missing one: 400.
        ("POST", "/api/v1/invitations/"): (row(401, 201, 400, 400, 400, 400, 400, 400), "new_invitation"),
        ("POST", "/api/v1/invitations/{invitation}/resend/"): (ALICES_INVITATION, {}),
        ("POST", "/api/v1/invitations/{invitation}/revoke/"): (ALICES_INVITATION, {}),
        ("POST", "/api/v1/invitations/accept/"): (EVERYONE_400, {"token": "made-up", "password": "k7#Rt-Passphrase"}),
        # Chamber admins (any: the bank is shared) and operators deactivate a specialist; Bob
        # himself may not (403); to anybody else his account is out of reach.
        ("POST", "/api/v1/users/{bob_user}/deactivate/"): (
            row(401, 404, 404, 403, 404, 200, 200, 200),
            {"note": "苦情"},
        ),
    }
)

# Self-diagnosis: the company's own. Its SME members read and write it; chamber admins and
# specialists have no such role here (403); chamber admins read only band counts.
# {diagnosis}: Alice's diagnosis in progress, every item answered on its {sheet};
# {diagnosis_done}: a completed one with Q20 and Q24 not done (tests/diagnosis_fixtures.py).
DIAGNOSIS_READERS = row(401, 200, 404, 403, 403, 403, 403, 404)
DIAGNOSIS_CREATES = row(401, 201, 404, 403, 403, 403, 403, 404)
MATRIX.update(
    {
        ("GET", "/api/v1/diagnosis/questionnaire/"): (AUTHENTICATED_200, None),
        ("GET", "/api/v1/companies/{company}/diagnoses/"): (DIAGNOSIS_READERS, None),
        ("POST", "/api/v1/companies/{company}/diagnoses/"): (DIAGNOSIS_CREATES, {"sheet_labels": ["本社", "大阪支店"]}),
        ("GET", "/api/v1/diagnoses/{diagnosis}/"): (DIAGNOSIS_READERS, None),
        ("GET", "/api/v1/diagnoses/{diagnosis}/result/"): (DIAGNOSIS_READERS, None),
        ("POST", "/api/v1/diagnoses/{diagnosis}/complete/"): (DIAGNOSIS_READERS, {}),
        ("POST", "/api/v1/diagnoses/{diagnosis}/sheets/"): (
            DIAGNOSIS_CREATES,
            {"label": "大阪支店", "answers": {"q1": "done"}},
        ),
        ("GET", "/api/v1/diagnoses/{diagnosis}/sheets/{sheet}/"): (DIAGNOSIS_READERS, None),
        ("PUT", "/api/v1/diagnoses/{diagnosis}/sheets/{sheet}/"): (DIAGNOSIS_READERS, {"answers": {"q1": "done"}}),
        ("PATCH", "/api/v1/diagnoses/{diagnosis}/sheets/{sheet}/"): (DIAGNOSIS_READERS, {"answers": {"q3": "done"}}),
        ("POST", "/api/v1/diagnoses/{diagnosis_done}/draft-request/"): (
            DIAGNOSIS_CREATES,
            {"shared_items": ["q20", "q24"]},
        ),
        ("GET", "/api/v1/companies/{company}/security-action/readiness/"): (DIAGNOSIS_READERS, None),
        ("POST", "/api/v1/companies/{company}/basic-policy/"): (DIAGNOSIS_CREATES, "new_basic_policy"),
        ("PATCH", "/api/v1/companies/{company}/basic-policy/"): (
            DIAGNOSIS_READERS,
            {"public_url": "https://alice.example.test/security-policy"},
        ),
        ("GET", "/api/v1/companies/{company}/basic-policy/file/"): (DIAGNOSIS_READERS, None),
        # Band counts only, cells under five suppressed; never a company's answers or total.
        ("GET", "/api/v1/chambers/{chamber}/diagnosis-bands/"): (ADMINS_OF_TOKYO, None),
    }
)

# Incidents. {incident_report}: a report of Alice's shop (an incident Bob handled), de-identified,
# waiting for the company's approval; {shared_incident}: another, shared at TLP:GREEN;
# {approved_incident}: a third, approved and waiting for the chamber's admin. Chamber admins
# never read the private report; members read what is shared by TLP; the 社労士 reads none of it.
REPORT_READERS = row(401, 200, 404, 200, 404, 404, 404, 200)
REPORT_WRITERS = row(401, 200, 404, 200, 404, 404, 404, 404)
SHARED_READERS = row(401, 200, 404, 404, 404, 200, 404, 200)
PUBLISHERS = row(401, 403, 403, 403, 403, 200, 404, 200)
MATRIX.update(
    {
        ("GET", "/api/v1/incident-reports/"): (AUTHENTICATED_200, None),
        # The engagement's company and its specialist write it; another's engagement answers 400.
        ("POST", "/api/v1/incident-reports/"): (
            row(401, 201, 400, 201, 400, 404, 400, 404),
            "new_incident_report",
        ),
        ("GET", "/api/v1/incident-reports/{incident_report}/"): (REPORT_READERS, None),
        ("PATCH", "/api/v1/incident-reports/{incident_report}/"): (REPORT_WRITERS, {"what_worked": "EDRで隔離"}),
        ("POST", "/api/v1/incident-reports/{incident_report}/deidentify/"): (REPORT_WRITERS, None),
        ("GET", "/api/v1/incident-reports/{incident_report}/preview/"): (REPORT_READERS, None),
        # Only the company approves what is shared of its incident.
        ("POST", "/api/v1/incident-reports/{incident_report}/approve/"): (
            row(401, 200, 404, 403, 404, 404, 404, 404),
            "approve_incident",
        ),
        ("POST", "/api/v1/incident-reports/{incident_report}/withdraw/"): (
            row(401, 200, 404, 404, 404, 404, 404, 404),
            {"note": "公開を見送ります"},
        ),
        ("GET", "/api/v1/shared-incidents/"): (AUTHENTICATED_200, None),
        ("GET", "/api/v1/shared-incidents/{shared_incident}/"): (SHARED_READERS, None),
        ("POST", "/api/v1/shared-incidents/{approved_incident}/share/"): (PUBLISHERS, {}),
        ("POST", "/api/v1/shared-incidents/{shared_incident}/withdraw/"): (PUBLISHERS, {"note": "誤掲載"}),
        ("GET", "/api/v1/shared-incidents/aggregates/"): (AUTHENTICATED_200, None),
        ("GET", "/api/v1/shared-incidents/stix/"): (ADMINS_ONLY, None),
        ("GET", "/api/v1/incident-policies/{chamber}/"): (PUBLISHERS, None),
        ("PATCH", "/api/v1/incident-policies/{chamber}/"): (PUBLISHERS, {"k_threshold": 6}),
        # {case} is a hire program's: the chamber decides only its own incident-cost programs (409).
        ("GET", "/api/v1/subsidy-cases/{case}/amount/"): (CASE_READERS, None),
        ("POST", "/api/v1/subsidy-cases/{case}/decide/"): (
            row(401, 403, 403, 403, 403, 409, 404, 409),
            {"granted_amount_jpy": 100_000},
        ),
        ("POST", "/api/v1/subsidy-cases/{case}/record-payment/"): (
            row(401, 403, 403, 403, 403, 409, 404, 409),
            {"paid_on": "2026-06-01"},
        ),
    }
)

# A denied write sends no message, except these, on purpose: (method, path, persona) -> the kinds
# of notification written. Paying an invoice whose specialist cannot receive payouts yet is a 409
# that asks the specialist to finish the Stripe set-up (billing.services.payments.payout_account).
NOTICES_ON_REFUSAL = {
    ("POST", "/api/v1/invoices/{invoice}/pay/", "owner"): ["payouts_needed"],
}

# Endpoints anyone may call without a token: throttled, and tested in their own modules.
PUBLIC_WRITES = {
    ("POST", "/api/v1/auth/register/"),
    ("POST", "/api/v1/auth/token/"),
    ("POST", "/api/v1/auth/token/refresh/"),
    # Stripe's deliveries, authenticated by their signature (tests/billing/test_webhooks.py).
    ("POST", "/api/v1/billing/stripe/webhook/"),
}
