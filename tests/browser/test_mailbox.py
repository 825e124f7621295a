"""The mailbox fixture: Django's SMTP backend delivers to a real SMTP server the test reads."""

from django.core.mail import send_mail

from tests.browser.conftest import body_text, first_link


def test_a_mail_sent_over_smtp_is_read_by_recipient_with_its_link(mailbox):
    send_mail(
        "確認してください",
        "こんにちは。\n次のリンクを開いてください：https://tcyss.example/confirm/abc123/ （7日間有効）\n",
        "noreply@tcyss.example",
        ["Alice@SME.test"],
    )

    mail = mailbox.wait_for("alice@sme.test")

    assert mail["Subject"] == "確認してください"
    assert "こんにちは。" in body_text(mail)
    assert first_link(mail) == "https://tcyss.example/confirm/abc123/"
    assert mailbox.to("bob@riss.test") == []
