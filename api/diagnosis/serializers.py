"""Shapes of the self-diagnosis: the questionnaire, diagnoses with their sheets and result, the
drafted request, ★★ readiness and a chamber's band counts. Every rule lives in diagnosis/."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language
from rest_framework import serializers

from diagnosis.models import BasicPolicy, Diagnosis, Sheet
from diagnosis.scoring import Form, Score, localized
from diagnosis.selectors import SMALLEST_CELL, BandCounts, DiagnosisResult, Readiness

ANSWER_VALUES = ["done", "partly", "not_done", "dont_know", "not_applicable"]


def _language() -> str:
    return get_language() or "ja"


# --- the questionnaire -----------------------------------------------------


class AnswerOptionSerializer(serializers.Serializer[Any]):
    value = serializers.CharField()
    points = serializers.IntegerField()
    weak = serializers.BooleanField(help_text="The answer shows a measure that needs work.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field's attribute
    ja = serializers.CharField()
    en = serializers.CharField()


class ItemSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    number = serializers.IntegerField()
    part = serializers.IntegerField()
    text = serializers.CharField()
    ja = serializers.CharField()
    en = serializers.CharField()
    topic = serializers.CharField()
    may_be_not_applicable = serializers.BooleanField()
    skills = serializers.ListField(child=serializers.CharField(), help_text="Skill slugs the topic maps to.")
    request_kinds = serializers.ListField(child=serializers.CharField())


class PartSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    title = serializers.CharField()
    organisational = serializers.BooleanField()
    items = ItemSerializer(many=True)


class BandSerializer(serializers.Serializer[Any]):
    band = serializers.CharField()
    min_total = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field's attribute
    advice = serializers.CharField()


class SourceSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    guideline_edition = serializers.CharField()
    guideline_date = serializers.DateField()
    official_sheet_url = serializers.URLField()


class QuestionnaireSerializer(serializers.Serializer[Any]):
    version = serializers.CharField()
    published_on = serializers.DateField()
    title = serializers.CharField()
    source = SourceSerializer()  # type: ignore[assignment]  # a field named like Field's attribute
    notice = serializers.CharField(help_text="Our paraphrase, not approved by IPA; the official sheet is linked.")
    max_total = serializers.IntegerField()
    answers = AnswerOptionSerializer(many=True)
    parts = PartSerializer(many=True)
    bands = BandSerializer(many=True)


def band_body(band: Mapping[str, Any], language: str) -> dict[str, Any]:
    return {
        "band": band["band"],
        "min_total": band["min_total"],
        "label": localized(band, language),
        "advice": localized(band, language, "advice"),
    }


def questionnaire_body(form: Form) -> dict[str, Any]:
    language, data = _language(), form.data
    topics = data["topics"]
    return {
        "version": data["version"],
        "published_on": data["published_on"],
        "title": localized(data, language, "title"),
        "source": {
            "text": localized(data["source"], language),
            "guideline_edition": data["source"]["guideline_edition"],
            "guideline_date": data["source"]["guideline_date"],
            "official_sheet_url": data["source"]["official_sheet_url"],
        },
        "notice": localized(data, language, "notice"),
        "max_total": form.max_total,
        "answers": [answer | {"label": localized(answer, language)} for answer in data["answers"]],
        "parts": [
            {
                "number": part["number"],
                "title": localized(part, language),
                "organisational": part["organisational"],
                "items": [
                    item
                    | {
                        "text": localized(item, language),
                        "skills": topics[item["topic"]]["skills"],
                        "request_kinds": topics[item["topic"]]["kinds"],
                    }
                    for item in data["items"]
                    if item["part"] == part["number"]
                ],
            }
            for part in data["parts"]
        ],
        "bands": [band_body(band, language) for band in data["bands"]],
    }


# --- diagnoses ---------------------------------------------------------------


class DiagnosisCreateSerializer(serializers.Serializer[Any]):
    sheet_labels = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=50,
        help_text="One sheet per site or department; one named for the whole company when omitted.",
    )


class DiagnosisSerializer(serializers.ModelSerializer[Diagnosis]):
    questionnaire_version = serializers.CharField(source="questionnaire.version", read_only=True)
    sheet_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Diagnosis
        fields = [
            "id",
            "company",
            "questionnaire_version",
            "status",
            "total",
            "band",
            "sheet_count",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields


class SheetSerializer(serializers.ModelSerializer[Sheet]):
    answers = serializers.DictField(child=serializers.ChoiceField(choices=ANSWER_VALUES), read_only=True)

    class Meta:
        model = Sheet
        fields = ["id", "label", "answers", "updated_at"]
        read_only_fields = fields


class SheetWriteSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(max_length=100, required=False)  # type: ignore[assignment]  # a field named like Field's attribute
    answers = serializers.DictField(
        child=serializers.ChoiceField(choices=ANSWER_VALUES, allow_null=True),
        required=False,
        help_text="{item id: answer}. PUT sets exactly these; PATCH merges them in (null clears one).",
    )


class SheetCreateSerializer(SheetWriteSerializer):
    label = serializers.CharField(max_length=100)


class PartScoreSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    title = serializers.CharField()
    subtotal = serializers.IntegerField()
    max_total = serializers.IntegerField()
    answered = serializers.IntegerField()
    items = serializers.IntegerField()


class ItemRefSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    number = serializers.IntegerField()
    text = serializers.CharField()
    answer = serializers.CharField()
    sheets = serializers.ListField(child=serializers.CharField(), help_text="The sheets that answered it so.")


class ScoreSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    max_total = serializers.IntegerField()
    is_complete = serializers.BooleanField()
    band = BandSerializer(allow_null=True, help_text="None until every item is answered.")
    parts = PartScoreSerializer(many=True)
    dont_know = ItemRefSerializer(many=True, help_text='Items answered "don\'t know": review each.')
    weak = ItemRefSerializer(many=True, help_text="Items partly done, not done or unknown.")
    unanswered = serializers.ListField(child=serializers.CharField())


class SheetScoreSerializer(ScoreSerializer):
    id = serializers.UUIDField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field's attribute


class ResultSerializer(ScoreSerializer):
    roll_up_rule = serializers.CharField()
    sheets = SheetScoreSerializer(many=True)


class DiagnosisDetailSerializer(DiagnosisSerializer):
    sheets = SheetSerializer(many=True, read_only=True)
    result = ResultSerializer(read_only=True)

    class Meta(DiagnosisSerializer.Meta):
        fields = [*DiagnosisSerializer.Meta.fields, "sheets", "result"]
        read_only_fields = fields


def _item_refs(form: Form, ids: list[str], company: Score, sheets: list[tuple[str, Score]]) -> list[dict[str, Any]]:
    language = _language()
    return [
        {
            "id": item_id,
            "number": form.items[item_id]["number"],
            "text": localized(form.items[item_id], language),
            "answer": company.answers[item_id],
            "sheets": [label for label, sheet in sheets if sheet.answers.get(item_id) == company.answers[item_id]],
        }
        for item_id in ids
    ]


def score_body(form: Form, result: Score, sheets: list[tuple[str, Score]]) -> dict[str, Any]:
    language = _language()
    return {
        "total": result.total,
        "max_total": result.max_total,
        "is_complete": result.is_complete,
        "band": band_body(result.band, language) if result.band else None,
        "parts": [
            {
                "number": part.number,
                "title": localized(form.parts[part.number], language),
                "subtotal": part.subtotal,
                "max_total": part.max_total,
                "answered": part.answered,
                "items": part.items,
            }
            for part in result.parts
        ],
        "dont_know": _item_refs(form, result.dont_know, result, sheets),
        "weak": _item_refs(form, result.weak, result, sheets),
        "unanswered": result.unanswered,
    }


def result_body(result: DiagnosisResult, roll_up_rule: str) -> dict[str, Any]:
    sheets = [(entry.sheet.label, entry.score) for entry in result.sheets]
    return score_body(result.form, result.company, sheets) | {
        "roll_up_rule": roll_up_rule,
        "sheets": [
            {"id": entry.sheet.pk, "label": entry.sheet.label}
            | score_body(result.form, entry.score, [(entry.sheet.label, entry.score)])
            for entry in result.sheets
        ],
    }


# --- drafting a request --------------------------------------------------------


class DraftRequestSerializer(serializers.Serializer[Any]):
    shared_items = serializers.ListField(
        child=serializers.CharField(max_length=10),
        allow_empty=False,
        max_length=25,
        help_text="The weak items to describe in the request; no other item is mentioned.",
    )


class DraftedSkillSerializer(serializers.Serializer[Any]):
    skill = serializers.CharField()
    min_level = serializers.IntegerField()


class DraftedRequestSerializer(serializers.Serializer[Any]):
    request = serializers.UUIDField(help_text="The draft request: edit it, then publish it.")
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    required_skills = DraftedSkillSerializer(many=True)
    shared_items = serializers.ListField(child=serializers.CharField())


# --- SECURITY ACTION ★★ ------------------------------------------------------------


class BasicPolicySerializer(serializers.ModelSerializer[BasicPolicy]):
    class Meta:
        model = BasicPolicy
        fields = ["id", "version", "name", "content_type", "public_url", "created_at", "updated_at"]
        read_only_fields = fields


class BasicPolicyUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="PDF, PNG or JPEG, at most 10 MB.")
    public_url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BasicPolicyUrlSerializer(serializers.Serializer[Any]):
    public_url = serializers.CharField(max_length=500, allow_blank=True)


class ReadinessCheckSerializer(serializers.Serializer[Any]):
    check = serializers.ChoiceField(choices=["diagnosis", "basic_policy", "publication"])
    done = serializers.BooleanField()
    message = serializers.CharField()


class ReadinessSerializer(serializers.Serializer[Any]):
    ready = serializers.BooleanField(help_text="Every step done: the company may declare ★★ itself at IPA.")
    missing = serializers.ListField(child=serializers.CharField())
    checks = ReadinessCheckSerializer(many=True)
    basic_policy = BasicPolicySerializer(allow_null=True)
    note = serializers.CharField()


def readiness_body(readiness: Readiness, policy: BasicPolicy | None, note: str) -> dict[str, Any]:
    return {
        "ready": readiness.ready,
        "missing": readiness.missing,
        "checks": [{"check": c.check, "done": c.done, "message": c.message} for c in readiness.checks],
        "basic_policy": policy,
        "note": note,
    }


# --- a chamber's band counts -------------------------------------------------------


class BandCellSerializer(serializers.Serializer[Any]):
    band = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field's attribute
    count = serializers.IntegerField(allow_null=True, help_text=f"None when fewer than {SMALLEST_CELL} companies.")
    display = serializers.CharField(help_text=f'The count, or "<{SMALLEST_CELL}".')


class BandCountsSerializer(serializers.Serializer[Any]):
    chamber = serializers.UUIDField()
    smallest_cell = serializers.IntegerField()
    companies = serializers.IntegerField(allow_null=True)
    cells = BandCellSerializer(many=True)


def band_counts_body(counts: BandCounts, bands: list[Mapping[str, Any]]) -> dict[str, Any]:
    language = _language()
    labels = {band["band"]: localized(band, language) for band in bands}
    hidden = f"<{SMALLEST_CELL}"
    return {
        "chamber": counts.chamber.pk,
        "smallest_cell": SMALLEST_CELL,
        "companies": counts.companies,
        "cells": [
            {
                "band": cell.band,
                "label": labels.get(cell.band, cell.band),
                "count": cell.count,
                "display": hidden if cell.count is None else str(cell.count),
            }
            for cell in counts.cells
        ],
    }
