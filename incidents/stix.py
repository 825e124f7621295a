"""Shared incidents as a STIX 2.1 bundle, for the chamber to pass to JPCERT/CC or an ISAC.

- The author (`created_by_ref`) of every object is the chamber's identity; the bundle holds
  no identity of the victim (nor of anyone else).
- Every object carries its TLP 2.0 marking in `object_marking_refs`. STIX 2.1 itself
  predefines TLP 1.0 only (WHITE, GREEN, AMBER, RED: what `stix2.TLP_*` are), which has no
  CLEAR and no AMBER+STRICT and means something else by AMBER; so the five TLP 2.0 markings
  are the marking definitions the OASIS CTI TC published as a STIX 2.1 property extension
  (cti-stix-common-objects, extension-definition-specifications/tlp-2.0): fixed ids, created
  2022-10-01, the extension `extension-definition--60a3c5c5-…` with `tlp_2_0`. Consumers
  recognise them by id; the bundle carries the definitions it uses.
- RED is never exported (selectors.incidents_for_export); withdrawn reports are not shared.
- Ids are derived (UUIDv5) from our row ids and the values, so an export repeated gives the
  same ids and a consumer updates instead of duplicating.
"""

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

import stix2

from accounts.models import Chamber
from incidents.categories import IncidentCategory, Tlp
from incidents.models import SharedIncident
from incidents.regions import region_name

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"
TLP2_IDS: dict[str, str] = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
NAMESPACE = uuid.UUID("8f1e1b8a-5d0c-4a53-9b7e-6a0d3f0c2e11")  # ours: ids derived from our rows


def tlp_marking(tlp: str) -> stix2.MarkingDefinition:
    return stix2.MarkingDefinition(
        id=TLP2_IDS[Tlp(tlp)],
        created=TLP2_CREATED,
        name=Tlp(tlp).label,
        extensions={TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp}},
    )


def _id(kind: str, *parts: object) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, '/'.join(str(part) for part in parts))}"


def chamber_identity(chamber: Chamber) -> stix2.Identity:
    """The hub: its name is public, so its identity is TLP:CLEAR."""
    return stix2.Identity(
        id=_id("identity", "chamber", chamber.pk),
        created=chamber.created_at,
        modified=chamber.created_at,
        name=chamber.name,
        identity_class="organization",
        sectors=["non-profit"],
        object_marking_refs=[TLP2_IDS[Tlp.CLEAR]],
    )


def _pattern(kind: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return {
        "domains": f"[domain-name:value = '{escaped}']",
        "ips": f"[{'ipv6-addr' if ':' in value else 'ipv4-addr'}:value = '{escaped}']",
        "email_senders": f"[email-message:from_ref.value = '{escaped}']",
        "hashes": {32: "MD5", 40: "SHA-1", 64: "SHA-256"}.get(len(value), "SHA-256"),
    }[kind]


def objects_of(shared: SharedIncident, author: str) -> list[Any]:
    """One shared incident: the incident, its indicators and ATT&CK techniques, related to it."""
    marking = [TLP2_IDS[Tlp(shared.tlp)]]
    when = shared.shared_at or datetime.datetime.now(tz=datetime.UTC)
    common: dict[str, Any] = {
        "created_by_ref": author,
        "object_marking_refs": marking,
        "created": when,
        "modified": when,
    }
    place = " / ".join(
        part
        for part in (
            region_name(shared.region, "en"),
            f"{shared.occurred_month:%Y-%m}" if shared.occurred_month else "",
        )
        if part
    )
    incident = stix2.Incident(
        id=_id("incident", shared.pk),
        name=f"{IncidentCategory(shared.category).label} ({place})"
        if place
        else str(IncidentCategory(shared.category).label),
        description="\n\n".join(part for part in (shared.title, shared.summary, shared.what_worked) if part) or None,
        labels=[shared.category, f"industry:{shared.industry}", f"size:{shared.size_class}"],
        **common,
    )
    found: list[Any] = [incident]
    indicators = shared.indicators or {}
    for kind in ("hashes", "domains", "ips", "email_senders"):
        for value in indicators.get(kind, []):
            if kind == "hashes":
                pattern = f"[file:hashes.'{_pattern(kind, value)}' = '{value}']"
            else:
                pattern = _pattern(kind, value)
            indicator = stix2.Indicator(
                id=_id("indicator", shared.pk, kind, value),
                name=value,
                pattern=pattern,
                pattern_type="stix",
                valid_from=when,
                indicator_types=["malicious-activity"],
                **common,
            )
            found.append(indicator)
    for technique in indicators.get("techniques", []):
        found.append(
            stix2.AttackPattern(
                id=_id("attack-pattern", technique),
                name=technique,
                external_references=[
                    {
                        "source_name": "mitre-attack",
                        "external_id": technique,
                        "url": f"https://attack.mitre.org/techniques/{technique.replace('.', '/')}/",
                    }
                ],
                **common,
            )
        )
    for item in found[1:]:
        found.append(
            stix2.Relationship(
                id=_id("relationship", shared.pk, item.id),
                relationship_type="related-to",
                source_ref=item.id,
                target_ref=incident.id,
                **common,
            )
        )
    return found


def bundle(shared_incidents: Iterable[SharedIncident]) -> stix2.Bundle:
    """Every shared incident given, authored by its chamber, with the markings used."""
    objects: list[Any] = []
    authors: dict[Any, stix2.Identity] = {}
    used = {Tlp.CLEAR}
    for shared in shared_incidents:
        if shared.tlp == Tlp.RED:  # never, even if a caller passed one
            continue
        if shared.chamber_id not in authors:
            authors[shared.chamber_id] = chamber_identity(shared.chamber)
        used.add(Tlp(shared.tlp))
        objects += objects_of(shared, authors[shared.chamber_id].id)
    markings = [tlp_marking(tlp) for tlp in Tlp if tlp in used]
    return stix2.Bundle(*markings, *authors.values(), *objects)
