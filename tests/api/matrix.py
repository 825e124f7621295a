"""The permission matrix: every route x method x persona -> expected status.

Add a row for every endpoint; `test_permission_matrix.py` fails when the schema has
an operation this table does not cover.

Personas: anon, owner (SME owner of the Tokyo company), other_sme (owner of an Osaka
company), specialist, admin_same (Tokyo chamber admin), admin_other (Osaka chamber
admin), staff (operator).
"""

PERSONAS = ("anon", "owner", "other_sme", "specialist", "admin_same", "admin_other", "staff")


def row(anon, owner, other_sme, specialist, admin_same, admin_other, staff):
    return dict(
        zip(PERSONAS, (anon, owner, other_sme, specialist, admin_same, admin_other, staff), strict=True)
    )


ALL_200 = row(200, 200, 200, 200, 200, 200, 200)
AUTHENTICATED_200 = row(401, 200, 200, 200, 200, 200, 200)

# (method, path template) -> (expected statuses, request body or None)
# Placeholders: {company} the Tokyo company, {chamber} the Tokyo chamber.
MATRIX = {
    ("GET", "/api/v1/me/"): (AUTHENTICATED_200, None),
    ("GET", "/api/v1/chambers/"): (ALL_200, None),
    ("GET", "/api/v1/chambers/{chamber}/"): (ALL_200, None),
    ("GET", "/api/v1/companies/"): (AUTHENTICATED_200, None),
    ("POST", "/api/v1/companies/"): (
        row(401, 201, 201, 403, 403, 403, 201),
        "new_company",
    ),
    ("GET", "/api/v1/companies/{company}/"): (row(401, 200, 404, 404, 200, 404, 200), None),
    ("PATCH", "/api/v1/companies/{company}/"): (row(401, 200, 404, 404, 403, 404, 403), {"city": "港区"}),
    ("POST", "/api/v1/companies/{company}/verify/"): (row(401, 403, 403, 403, 200, 404, 200), {}),
    ("POST", "/api/v1/companies/{company}/reject/"): (
        row(401, 403, 403, 403, 200, 404, 200),
        {"note": "登記簿と一致しません"},
    ),
}

# Endpoints anyone may call without a token: throttled, and tested in their own modules.
PUBLIC_WRITES = {
    ("POST", "/api/v1/auth/register/"),
    ("POST", "/api/v1/auth/token/"),
    ("POST", "/api/v1/auth/token/refresh/"),
}
