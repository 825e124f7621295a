"""De-identification (非特定化加工): what of a report may be shared, and the text without the victim.

Free text loses, in this order: e-mail addresses, the victim's own hosts (its domains and
their subdomains, from its people's e-mail addresses and the domains it lists) and its own
IP addresses (those it lists, and private ranges, which are always somebody's inside),
corporate and invoice registration numbers, phone numbers, postal codes and addresses, the
company's name (with and without its legal form), and people's names: the company's
people, the specialist, and anyone addressed with an honorific (「佐藤さん」, 「田中部長」).
Indicators lose whatever belongs to the victim. The order matters: an e-mail address holds
a name and a domain, a corporate number looks like a phone number.

This is a rule-based filter, not a guarantee: the SME reads the result before approving it
(the preview is the very row that is shared).
"""

import hashlib
import ipaddress
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from accounts.models import User
from accounts.prefectures import PREFECTURES
from incidents.regions import region_of

ORGANISATION = "[組織名]"
PERSON = "[人名]"
EMAIL = "[メールアドレス]"
PHONE = "[電話番号]"
CORPORATE_NUMBER = "[法人番号]"
ADDRESS = "[住所]"
OWN_HOST = "[自組織ホスト]"
OWN_IP = "[自組織IP]"

# Mailbox providers whose domain says nothing about the victim (and may well be the attacker's).
FREE_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.co.jp",
        "ymail.ne.jp",
        "outlook.com",
        "outlook.jp",
        "hotmail.com",
        "hotmail.co.jp",
        "live.jp",
        "icloud.com",
        "me.com",
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "au.com",
        "softbank.ne.jp",
        "i.softbank.jp",
        "nifty.com",
        "biglobe.ne.jp",
        "ocn.ne.jp",
    }
)
LEGAL_FORMS = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合名会社",
    "合資会社",
    "一般社団法人",
    "一般財団法人",
    "（株）",
    "(株)",
    "（有）",
    "(有)",
    "㈱",
    "㈲",
)
HONORIFICS = "さん|様|さま|氏|君|くん|部長|課長|係長|主任|社長|専務|常務|店長|所長|室長"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\d.])")
_IPV6 = re.compile(r"(?<![A-Za-z0-9:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:/\d{1,3})?(?![A-Za-z0-9:])")
# Boundaries are ASCII letters and digits only: Japanese letters are \\w too, and a number
# often follows one directly (法人番号7000012050002).
# 法人番号: 13 digits, the first 1-9 (DOMAIN.md), with or without hyphens; an invoice
# registration number is "T" and the same 13 digits.
_CORPORATE_NUMBER = re.compile(r"(?<![A-Za-z0-9-])T?[1-9](?:[-\s]?\d){12}(?![A-Za-z0-9-])")
# Japanese phone numbers: 0 and 9-10 digits, or +81; hyphens, spaces or brackets between.
_PHONE = re.compile(r"(?<![A-Za-z0-9.+-])(?:\+81[-\s]?|0)\d{1,4}[-\s(]?\d{1,4}[-\s)]?\d{3,4}(?![A-Za-z0-9.-])")
_POSTAL_CODE = re.compile(r"(?:〒\s?)?(?<![A-Za-z0-9-])\d{3}-\d{4}(?![A-Za-z0-9-])")
_PREFECTURE_NAMES = "|".join(sorted((ja for ja, _en in PREFECTURES.values()), key=len, reverse=True))
# A prefecture, then optionally its cities, wards, towns or villages and the block and lot.
_PLACE_CHARS = "[一-龥々ァ-ヶーのノヶケ]"
_ADDRESS = re.compile(
    rf"(?:{_PREFECTURE_NAMES})"
    rf"(?:(?:{_PLACE_CHARS}{{1,10}}?[市区町村郡])+"
    rf"(?:{_PLACE_CHARS}{{0,8}}?\d+(?:[-\u2010\u2212\u30fc]\d+|丁目\d*|番地?\d*|号)*)?)?"
)
# A name in kanji or katakana before an honorific; not the words that take one themselves.
_HONORIFIC = re.compile(rf"[一-龥々ァ-ヶー]{{1,5}}?(?=(?:{HONORIFICS}))")
NOT_NAMES = frozenset({"皆", "客", "お客", "担当", "担当者", "関係者", "利用者", "取引先", "各位", "先方", "御中"})
_HASH = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9\-]{0,62}$")
_TECHNIQUE = re.compile(r"^T\d{4}(?:\.\d{3})?$")

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# Addresses that are always somebody's inside (RFC 1918, shared address space, loopback,
# link-local, unique local): an attacker's infrastructure is never here, the victim's is.
INSIDE = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)


@dataclass(frozen=True)
class Victim:
    """Everything that points at the victim, gathered from its company, people and report."""

    organisations: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    networks: tuple[IpNetwork, ...] = field(default=())

    def owns_domain(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == domain or host.endswith("." + domain) for domain in self.domains)

    def owns_ip(self, address: str) -> bool:
        """Listed as the victim's, or an inside address (INSIDE)."""
        try:
            ip = ipaddress.ip_interface(address).ip
        except ValueError:
            return False
        return any(ip in network for network in (*INSIDE, *self.networks) if network.version == ip.version)


def normalise(text: str) -> str:
    """NFKC: full-width digits and letters become ASCII, so patterns see one form."""
    return unicodedata.normalize("NFKC", text or "")


def organisation_names(name: str) -> list[str]:
    """The company's name as written and without its legal form (株式会社アリス商店 -> アリス商店)."""
    name = normalise(name).strip()
    core = name
    for form in LEGAL_FORMS:
        core = core.replace(normalise(form), "")
    core = core.strip()
    return [value for value in {name, core} if len(value) >= 2]


def person_names(name: str) -> list[str]:
    """A person's name as written, without spaces, and each part of two letters or more."""
    name = normalise(name).strip()
    parts = [part for part in re.split(r"[\s・]+", name) if len(part) >= 2]
    return [value for value in {name, re.sub(r"[\s・]+", "", name), *parts} if len(value) >= 2]


def networks_of(values: Iterable[str]) -> tuple[IpNetwork, ...]:
    found = []
    for value in values:
        try:
            found.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            continue
    return tuple(found)


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].lower().strip().rstrip(".")


def own_domains(emails: Iterable[str], listed: Iterable[str]) -> tuple[str, ...]:
    """The victim's domains: those it lists, and those of its people's e-mail (free mail aside)."""
    domains = {str(value).lower().strip().rstrip(".") for value in listed if str(value).strip()}
    domains |= {domain_of(email) for email in emails if "@" in email}
    return tuple(sorted(domain for domain in domains if domain and domain not in FREE_MAIL))


def _replace_terms(text: str, terms: Iterable[str], token: str) -> str:
    """Whole-term replacement, longest first; Latin terms only at word boundaries."""
    for term in sorted({normalise(t) for t in terms if t}, key=len, reverse=True):
        if term.isascii():
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])", token, text, flags=re.IGNORECASE)
        else:
            text = text.replace(term, token)
    return text


def scrub(text: str, victim: Victim) -> str:
    """The text with nothing that identifies the victim or names anyone (see the module doc)."""
    text = normalise(text)
    if not text:
        return ""
    text = _EMAIL.sub(EMAIL, text)
    for domain in sorted(victim.domains, key=len, reverse=True):
        text = re.sub(
            rf"(?<![A-Za-z0-9\-.])(?:[A-Za-z0-9\-]+\.)*{re.escape(domain)}(?![A-Za-z0-9\-])",
            OWN_HOST,
            text,
            flags=re.IGNORECASE,
        )
    text = _IPV4.sub(lambda m: OWN_IP if victim.owns_ip(m.group()) else m.group(), text)
    text = _IPV6.sub(lambda m: OWN_IP if m.group().count(":") >= 2 and victim.owns_ip(m.group()) else m.group(), text)
    text = _CORPORATE_NUMBER.sub(CORPORATE_NUMBER, text)
    text = _PHONE.sub(PHONE, text)
    text = _POSTAL_CODE.sub(ADDRESS, text)
    text = _ADDRESS.sub(ADDRESS, text)
    text = _replace_terms(text, victim.places, ADDRESS)
    text = _replace_terms(text, victim.organisations, ORGANISATION)
    text = _replace_terms(text, victim.people, PERSON)
    return _HONORIFIC.sub(lambda m: m.group() if m.group() in NOT_NAMES else PERSON, text)


def clean_indicators(
    *,
    hashes: Iterable[str],
    domains: Iterable[str],
    ips: Iterable[str],
    email_senders: Iterable[str],
    techniques: Iterable[str],
    victim: Victim,
) -> dict[str, list[str]]:
    """The attacker's indicators, normalised and de-duplicated, without anything of the victim's."""

    def unique(values: Iterable[str]) -> list[str]:
        return sorted(dict.fromkeys(values))

    return {
        "hashes": unique(h.lower() for h in hashes),
        "domains": unique(d.lower().rstrip(".") for d in domains if not victim.owns_domain(d)),
        "ips": unique(str(ipaddress.ip_address(ip)) for ip in ips if not victim.owns_ip(ip)),
        "email_senders": unique(e.lower() for e in email_senders if not victim.owns_domain(domain_of(e))),
        "techniques": unique(t.upper() for t in techniques),
    }


def indicator_problems(values: dict[str, Any]) -> dict[str, str]:
    """Which indicator lists hold something that is not what the list is for ({field: value})."""
    checks = {
        "hashes": lambda v: bool(_HASH.match(v.lower())),
        "domains": lambda v: bool(_DOMAIN.match(v.lower().rstrip("."))),
        "ips": _is_ip,
        "email_senders": lambda v: bool(_EMAIL.fullmatch(v)),
        "techniques": lambda v: bool(_TECHNIQUE.match(v.upper())),
        "victim_domains": lambda v: bool(_DOMAIN.match(v.lower().rstrip("."))),
        "victim_ips": _is_network,
    }
    problems = {}
    for name, check in checks.items():
        if name not in values:
            continue
        given = values[name]
        if not isinstance(given, list) or len(given) > 200:
            problems[name] = str(given)[:80]
            continue
        bad = next((v for v in given if not isinstance(v, str) or len(v) > 320 or not check(v.strip())), None)
        if bad is not None:
            problems[name] = str(bad)[:80]
    return problems


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_network(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def victim_of(report: Any) -> Victim:
    """What points at the victim of `report` (an IncidentReport): its company's name and city,
    its people's names and e-mail domains, the specialist's names, the hosts it lists."""
    company = report.company
    people = list(User.objects.filter(memberships__company_id=company.pk).values_list("name", "email"))
    specialist = report.engagement.specialist
    names = [name for name, _email in people] + [specialist.display_name, specialist.legal_name, specialist.user.name]
    return Victim(
        organisations=tuple(organisation_names(company.name)),
        people=tuple(part for name in names if name for part in person_names(name)),
        places=tuple(value for value in (normalise(company.city).strip(),) if len(value) >= 2),
        domains=own_domains((email for _name, email in people), report.victim_domains or []),
        networks=networks_of(report.victim_ips or []),
    )


def project(report: Any) -> dict[str, Any]:
    """The shared fields of `report`'s projection: technical details, the victim coarsely."""
    victim = victim_of(report)
    company = report.company
    return {
        "tlp": report.tlp,
        "category": report.category,
        "title": scrub(report.title, victim)[:200],
        "summary": scrub(report.summary, victim),
        "what_worked": scrub(report.what_worked, victim),
        "indicators": clean_indicators(
            hashes=report.hashes or [],
            domains=report.domains or [],
            ips=report.ips or [],
            email_senders=report.email_senders or [],
            techniques=report.techniques or [],
            victim=victim,
        ),
        "occurred_month": report.occurred_on.replace(day=1),
        "discovered_month": report.discovered_on.replace(day=1),
        "industry": company.industry,
        "region": region_of(company.prefecture),
        "size_class": company.size_class,
    }


# The fields of a projection that are shared, in the order the digest reads them.
SHARED_FIELDS = (
    "tlp",
    "category",
    "title",
    "summary",
    "what_worked",
    "indicators",
    "occurred_month",
    "discovered_month",
    "industry",
    "region",
    "size_class",
)


def digest_of(shared: Any) -> str:
    """SHA-256 of what a projection shares (and who authors it): the SME approves this value."""
    payload = {name: getattr(shared, name) for name in SHARED_FIELDS} | {"chamber": str(shared.chamber_id)}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
