"""The specialist's profile editor with a live preview of their directory card, and the reviews
they received. The profile is saved by talent.services.update_specialist_profile, the service the
API's PATCH /specialists/me/ calls (it also refreshes the directory's search columns)."""

import copy
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Avg, Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import Company, User
from accounts.prefectures import prefecture_name
from marketplace.errors import DomainError, NotFound
from matching import selectors as matching_selectors
from talent import selectors as talent_selectors
from talent import services as talent_services
from talent.models import Certification, RequestKind, Skill, Specialist, is_not_fully_engaged
from web.access import for_role
from web.pages import acting, paginate, show_refusal
from web.specialist.profile_forms import ProfileForm, language_name

SPECIALIST = User.Role.SPECIALIST


@dataclass(frozen=True)
class DirectoryCard:
    """What the directory shows of a profile (the API's SpecialistSerializer fields, in words):
    never contact details nor registration numbers."""

    display_name: str
    bio: str
    prefecture: str
    travel_prefectures: list[str]
    remote_ok: bool
    onsite_ok: bool
    request_kinds: list[str]
    hourly_rate_jpy: int
    monthly_retainer_jpy: int
    has_capacity: bool
    hours_per_month: int
    languages: list[str]
    industries: list[str]
    skills: list[tuple[str, int]]
    years_experience: int
    rating: float | None
    rating_count: int
    certifications: list[str]
    vendor_affiliations: str
    resale_commissions: str
    # Why the directory does not show it (empty: it does).
    hidden_because: list[str] = field(default_factory=list)


def _own(request: HttpRequest) -> Specialist | None:
    """The signed-in specialist's profile (every sign-up makes one; an account made otherwise may lack it)."""
    try:
        return talent_selectors.own_specialist(acting(request))
    except NotFound:
        return None


def directory_card(
    specialist: Specialist, skill_levels: dict[str, int], travel: list[str], skills: list[Skill]
) -> DirectoryCard:
    language = get_language() or "ja"
    industries = dict(Company.Industry.choices)
    kinds = dict(RequestKind.choices)
    counting = sorted({c.kind for c in getattr(specialist, "counting_certifications", [])})
    certification_names = dict(Certification.Kind.choices)
    hidden = []
    if not specialist.listed_in_directory:
        hidden.append(_("You have not chosen to be listed."))
    if specialist.status in (Specialist.Status.DRAFT, Specialist.Status.PENDING):
        hidden.append(_("Your profile is waiting for a chamber to verify a credential."))
    elif specialist.status == Specialist.Status.SUSPENDED:
        hidden.append(_("Your profile is suspended."))
    if specialist.user.email_confirmed_at is None:
        hidden.append(_("Your email address is not confirmed yet."))
    return DirectoryCard(
        display_name=specialist.display_name,
        bio=specialist.bio,
        prefecture=prefecture_name(specialist.prefecture, language) if specialist.prefecture else "",
        travel_prefectures=[prefecture_name(code, language) for code in sorted(travel)],
        remote_ok=specialist.remote_ok,
        onsite_ok=specialist.onsite_ok,
        request_kinds=[str(kinds[kind]) for kind in specialist.request_kinds],
        hourly_rate_jpy=specialist.hourly_rate_jpy,
        monthly_retainer_jpy=specialist.monthly_retainer_jpy,
        has_capacity=is_not_fully_engaged(
            active_engagements=specialist.active_engagements, capacity=specialist.capacity
        ),
        hours_per_month=specialist.hours_per_month,
        languages=[language_name(code) for code in specialist.languages],
        industries=[str(industries.get(code, code)) for code in specialist.industries],
        skills=[(skill.label(language), skill_levels[skill.slug]) for skill in skills if skill.slug in skill_levels],
        years_experience=specialist.years_experience,
        rating=specialist.rating,
        rating_count=specialist.rating_count,
        certifications=[str(certification_names[kind]) for kind in counting],
        vendor_affiliations=specialist.vendor_affiliations,
        resale_commissions=specialist.resale_commissions,
        hidden_because=[str(reason) for reason in hidden],
    )


def _saved(specialist: Specialist) -> tuple[dict[str, int], list[str]]:
    """The profile's skill levels (by slug) and travel prefectures, from its prefetched relations."""
    # talent.selectors.with_profile_relations annotates each level with its skill's slug.
    levels = {row.skill_slug: row.level for row in specialist.skill_levels.all()}  # type: ignore[attr-defined]
    return levels, sorted(t.prefecture for t in specialist.travel.all())


def _previewed(specialist: Specialist, form: ProfileForm) -> tuple[Specialist, dict[str, int], list[str]]:
    """The profile as it would be with the form's values (valid ones; nothing is saved)."""
    levels, travel = _saved(specialist)
    preview = copy.copy(specialist)
    data = form.cleaned_data if form.is_valid() else {}
    if not data:
        return preview, levels, travel
    changes = form.profile_changes()
    levels = {item["skill"]: item["level"] for item in changes.pop("skills")}
    travel = changes.pop("travel_prefectures")
    kinds = changes.pop("request_kinds")
    for name, value in changes.items():
        setattr(preview, name, value)
    for kind in RequestKind.values:
        setattr(preview, f"accepts_{kind}", kind in kinds)
    return preview, levels, travel


def _render(
    request: HttpRequest, specialist: Specialist, form: ProfileForm, skills: list[Skill], *, status: int = 200
) -> HttpResponse:
    preview, levels, travel = _previewed(specialist, form) if form.is_bound else (specialist, *_saved(specialist))
    context = {
        "specialist": specialist,
        "form": form,
        "card": directory_card(preview, levels, travel, skills),
        "previewing": form.is_bound,
        "unpreviewable": form.is_bound and not form.is_valid(),
    }
    return render(request, "web/specialist/profile.html", context, status=status)


@for_role(SPECIALIST)
def profile(request: HttpRequest) -> HttpResponse:
    """The profile editor; the directory card beside it shows what SMEs will see."""
    user = acting(request)
    specialist = _own(request)
    if specialist is None:
        return render(request, "web/specialist/profile.html", {"specialist": None})
    skills = list(talent_selectors.skills())
    if request.method != "POST":
        levels, travel = _saved(specialist)
        form = ProfileForm(initial=ProfileForm.initial_of(specialist, levels, travel), skills=skills)
        return _render(request, specialist, form, skills)
    form = ProfileForm(request.POST, skills=skills)
    if form.is_valid():
        try:
            talent_services.update_specialist_profile(specialist=specialist, user=user, **form.profile_changes())
        except (DomainError, DjangoValidationError) as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("specialist:profile")
    return _render(request, specialist, form, skills, status=400)


@require_POST
@for_role(SPECIALIST)
def profile_preview(request: HttpRequest) -> HttpResponse:
    """The directory card with the form's values, nothing saved: the card alone for htmx, the whole
    editor (with what was typed) without JavaScript."""
    specialist = _own(request)
    if specialist is None:
        raise Http404
    skills = list(talent_selectors.skills())
    form = ProfileForm(request.POST, skills=skills)
    preview, levels, travel = _previewed(specialist, form)
    card = directory_card(preview, levels, travel, skills)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "web/specialist/directory_card.html",
            {"card": card, "previewing": True, "unpreviewable": not form.is_valid()},
        )
    return _render(request, specialist, form, skills)


@for_role(SPECIALIST)
def reviews(request: HttpRequest) -> HttpResponse:
    """The reviews companies gave the specialist's engagements, newest first, with the average."""
    user = acting(request)
    received = (
        matching_selectors.reviews_visible_to(user)
        .select_related("engagement__request", "engagement__company")
        .order_by("-created_at", "id")
    )
    summary = received.order_by().aggregate(average=Avg("rating"), count=Count("id"))
    return render(
        request,
        "web/specialist/reviews.html",
        {"page_obj": paginate(request, received), "summary": summary, "stars": range(1, 6)},
    )
