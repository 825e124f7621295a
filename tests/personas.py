"""The permission matrix's personas as data.

Each persona names the fixture that makes its user (None: no user). `BASE` is the
column order of `row(...)`; a persona added later declares `like`: in every row it
answers like that persona unless the row overrides it, so adding one is one line here
and an override where it really differs.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    name: str
    fixture: str | None
    description: str
    like: str = ""


_ALL = [
    Persona("anon", None, "no token"),
    Persona("owner", "sme_alice", "owner of the Tokyo companies (Alice)"),
    Persona("other_sme", "sme_erin", "owner of an Osaka company (Erin)"),
    Persona("specialist", "specialist_bob", "Bob: listed, active, on every proposal and the engagement"),
    Persona("other_specialist", "specialist_bea", "Bea: a draft profile, on nothing"),
    Persona("admin_same", "admin_carol", "chamber admin of Tokyo"),
    Persona("admin_other", "admin_oscar", "chamber admin of Osaka"),
    Persona("staff", "operator_olga", "operator (Django staff)"),
    Persona("labour_attorney", "attorney_sam", "社労士 of Alice's shop: its subsidy cases only", like="other_sme"),
]

PERSONAS = {persona.name: persona for persona in _ALL}
BASE = tuple(persona.name for persona in _ALL if not persona.like)
