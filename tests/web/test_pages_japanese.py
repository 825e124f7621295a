"""The pages read in Japanese by default: headings, the pipeline, amounts and dates as people
write them, and the messages after an action."""

from django.urls import reverse

from tests.web.world import world


def test_the_smes_request_page_is_in_japanese(client, cast):
    w = world(cast)
    client.force_login(cast.sme_alice)
    body = client.get(reverse("sme:request", kwargs={"request_id": w.request.pk})).content.decode()
    assert '<html lang="ja">' in body
    for text in ("ご依頼の進み具合", "商工会議所の審査待ち", "専門家の回答待ち", "30,000円", "候補者が誰かは"):
        assert text in body


def test_an_action_is_confirmed_in_japanese(client, cast):
    w = world(cast)
    url = reverse("sme:engagement", kwargs={"engagement_id": w.engagement.pk})
    client.force_login(cast.sme_alice)
    client.post(url, {"confirm-action": "confirm", "confirm-target": w.entry.pk, "confirm-note": ""})
    body = client.get(url).content.decode()
    assert "作業時間を確認しました。次回の請求書に含まれます。" in body
    assert "暦月ごと（月末締め）" in body or "業務開始日から1か月ごと" in body


def test_a_refusal_is_shown_in_japanese_beside_the_form(client, cast):
    w = world(cast)
    url = reverse("console:companies")
    client.force_login(cast.admin_carol)
    response = client.post(url, {"reject-action": "reject", "reject-target": w.pending_company.pk, "reject-note": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "入力内容を確認してください" in body  # the error summary
    assert f'<p class="field__error" id="id_{w.pending_company.pk}_reject-note_error">この項目は必須です。</p>' in body
