"""The STIX 2.1 export: parses with stix2, every object marked with its TLP 2.0 marking, the
chamber as the author, no identity of the victim, RED never."""

import json

import stix2

from incidents.stix import TLP2_EXTENSION, TLP2_IDS
from tests import factories
from tests.incidents_fixtures import incident_engagement, make_report, member_company, share


def test_the_export_parses_marks_every_object_and_names_only_the_chamber(world, client_for):
    reports = {}
    for tlp in ("clear", "green", "amber", "amber+strict", "red"):
        owner = factories.UserFactory(role="sme")
        company = member_company(world.tokyo, owner, name=f"株式会社被害{tlp}")
        recipients = [world.reader_company] if tlp == "amber" else ()
        reports[tlp] = share(
            make_report(incident_engagement(company, owner, world.bob), owner, tlp=tlp), owner, world.admin, recipients
        )

    response = client_for(world.admin).get("/api/v1/shared-incidents/stix/")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/stix+json;version=2.1"
    bundle = stix2.parse(response.content.decode())
    objects = bundle.objects
    markings = {obj.id: obj for obj in objects if obj.type == "marking-definition"}
    assert set(markings) == {TLP2_IDS[t] for t in ("clear", "green", "amber", "amber+strict")}
    for marking in markings.values():
        assert marking.extensions[TLP2_EXTENSION]["extension_type"] == "property-extension"
    identities = [obj for obj in objects if obj.type == "identity"]
    assert [(i.name, i.identity_class) for i in identities] == [(world.tokyo.name, "organization")]
    for obj in objects:
        if obj.type == "marking-definition":
            continue
        assert len(obj.object_marking_refs) == 1
        assert obj.object_marking_refs[0] in markings
        if obj.type != "identity":
            assert obj.created_by_ref == identities[0].id
    text = json.dumps(json.loads(bundle.serialize()), ensure_ascii=False)
    assert "株式会社被害" not in text
    assert world.company.name not in text
    assert TLP2_IDS["red"] not in text
    incidents = [obj for obj in objects if obj.type == "incident"]
    assert len(incidents) == 4
    by_marking = {obj.object_marking_refs[0] for obj in incidents}
    assert by_marking == {TLP2_IDS[t] for t in ("clear", "green", "amber", "amber+strict")}
    patterns = sorted(obj.pattern for obj in objects if obj.type == "indicator")
    assert "[domain-name:value = 'c2.evil-example.net']" in patterns
    assert "[ipv4-addr:value = '45.67.89.10']" in patterns
    assert "[file:hashes.'MD5' = 'd41d8cd98f00b204e9800998ecf8427e']" in patterns


def test_the_export_is_the_chambers_admins_and_operators_only(world, client_for, operator_olga):
    assert client_for(world.rita).get("/api/v1/shared-incidents/stix/").status_code == 403
    assert client_for(operator_olga).get("/api/v1/shared-incidents/stix/").status_code == 200
