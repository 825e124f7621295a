"""The self-diagnosis questionnaire as versioned data.

The 25 items follow the structure of IPA's 5-minute self-diagnosis (情報セキュリティ自社診断)
(appendix 3 of 「中小企業の情報セキュリティ対策ガイドライン」 第3.1版, 2023-04-26): three
parts, 基本的対策 Q1-5, 従業員としての対策 Q6-18, 組織としての対策 Q19-25. The wording
here is our own paraphrase: the reuse terms of IPA's text are not established (DOMAIN.md),
so we link to the official sheet and never claim IPA's approval.

A published version is never edited: a change is a new entry in `VERSIONS` (and a data
migration that loads it), so every past diagnosis keeps the version it was answered on.
Points, bands, topics and the skills and request kinds each topic maps to are data of the
version, not code.
"""

from typing import Any

OFFICIAL_SHEET_URL = "https://www.ipa.go.jp/security/guide/sme/5minutes.html"

# Answers and their points (東京都's version of the sheet: わからない -1, and review each such
# item). "Not applicable" counts as done in secondary write-ups [S]: its points are data here.
# `weak`: the answer shows a measure that needs work (what a drafted request may share).
_ANSWERS = [
    {"value": "done", "points": 4, "weak": False, "ja": "実施している", "en": "Done"},
    {"value": "partly", "points": 2, "weak": True, "ja": "一部実施している", "en": "Partly done"},
    {"value": "not_done", "points": 0, "weak": True, "ja": "実施していない", "en": "Not done"},
    {"value": "dont_know", "points": -1, "weak": True, "ja": "わからない", "en": "Don't know"},
    {"value": "not_applicable", "points": 4, "weak": False, "ja": "該当しない", "en": "Not applicable"},
]

# The bands by their lowest total, highest first (edges 100; 70-99; 50-69; ≤ 49) [S].
_BANDS = [
    {
        "band": "achieved",
        "min_total": 100,
        "ja": "入門レベルの対策を達成",
        "en": "Entry-level measures achieved",
        "advice_ja": "基本的な対策はすべて実施できています。ガイドラインを参考に、さらに進んだ対策に取り組みましょう。",
        "advice_en": "Every entry-level measure is in place. Use the SME guideline to go further.",
    },
    {
        "band": "mostly",
        "min_total": 70,
        "ja": "おおむね実施",
        "en": "Mostly in place",
        "advice_ja": "多くの対策ができています。「一部実施」「わからない」の項目を確認し、改善しましょう。",
        "advice_en": 'Most measures are in place. Review the partly done and "don\'t know" items and fix them.',
    },
    {
        "band": "gaps",
        "min_total": 50,
        "ja": "目立つ弱点あり",
        "en": "Conspicuous gaps",
        "advice_ja": "対策に目立つ抜けがあります。実施できていない項目について、なぜ必要かを確認して取り組みましょう。",
        "advice_en": "There are conspicuous gaps. Read why each missing measure matters and start on them.",
    },
    {
        "band": "at_risk",
        "min_total": None,
        "ja": "いつ事故が起きてもおかしくない",
        "en": "An incident could happen at any time",
        "advice_ja": "情報漏えいなどの事故がいつ起きてもおかしくない状態です。"
        "ガイドライン全体を読み、基本から対策しましょう。",
        "advice_en": "A leak could happen at any time. Read the whole SME guideline and start from the basics.",
    },
]

# Topic -> the skills (slugs of talent/skills.py) and request kinds that address it.
_TOPICS: dict[str, dict[str, Any]] = {
    "software_updates": {"skills": ["endpoint_security", "vulnerability_assessment"], "kinds": ["spot", "advisor"]},
    "malware_protection": {"skills": ["endpoint_security"], "kinds": ["spot", "advisor"]},
    "passwords": {"skills": ["identity_access"], "kinds": ["spot", "advisor"]},
    "access_control": {"skills": ["identity_access"], "kinds": ["spot", "advisor"]},
    "threat_information": {"skills": ["security_monitoring", "awareness_training"], "kinds": ["advisor"]},
    "email_threats": {"skills": ["email_security", "awareness_training"], "kinds": ["spot", "advisor"]},
    "misdelivery": {"skills": ["email_security", "personal_information"], "kinds": ["spot", "advisor"]},
    "wireless_lan": {"skills": ["network_security"], "kinds": ["spot"]},
    "web_and_sns": {"skills": ["awareness_training", "network_security"], "kinds": ["spot", "advisor"]},
    "backup": {"skills": ["backup_recovery"], "kinds": ["spot", "advisor"]},
    "information_handling": {"skills": ["personal_information", "trade_secret"], "kinds": ["spot", "advisor"]},
    "device_protection": {"skills": ["endpoint_security"], "kinds": ["spot"]},
    "physical_security": {"skills": ["isms_policy", "risk_assessment"], "kinds": ["spot", "advisor"]},
    "secure_disposal": {"skills": ["personal_information", "trade_secret"], "kinds": ["spot"]},
    "confidentiality": {"skills": ["trade_secret", "personal_information"], "kinds": ["advisor"]},
    "training": {"skills": ["awareness_training"], "kinds": ["spot", "advisor"]},
    "personal_devices": {"skills": ["endpoint_security", "isms_policy"], "kinds": ["advisor"]},
    "partner_contracts": {"skills": ["supply_chain", "trade_secret"], "kinds": ["advisor"]},
    "external_services": {"skills": ["cloud_security", "supply_chain"], "kinds": ["advisor"]},
    "incident_readiness": {"skills": ["incident_response", "bcp"], "kinds": ["advisor"]},
    "security_rules": {"skills": ["isms_policy", "risk_assessment"], "kinds": ["advisor"]},
}

# (number, part, topic, may be not applicable, ja, en): our own paraphrase of each item.
# A table reads better than 25 nested literals; _item() makes each the dict the version holds.
_ITEMS = [
    (1, 1, "software_updates", False,
     "パソコン・スマホなどのOSやソフトウェアを、更新して最新の状態に保っている。",
     "Operating systems and software on computers and phones are kept up to date."),
    (2, 1, "malware_protection", False,
     "パソコン・スマホなどにウイルス対策ソフトを入れ、定義ファイルを最新にしている。",
     "Computers and phones run anti-malware software with current definitions."),
    (3, 1, "passwords", False,
     "パスワードは長く複雑にして、推測や使い回しを避けている。",
     "Passwords are long and complex, never guessable or reused."),
    (4, 1, "access_control", False,
     "重要な情報は、必要な人だけが見たり変更したりできるよう制限している。",
     "Important information can be read or changed only by those who need it."),
    (5, 1, "threat_information", False,
     "新しい脅威や攻撃の手口を知り、対策を社内で共有する仕組みがある。",
     "There is a way to learn of new threats and attack methods and share the response in-house."),
    (6, 2, "email_threats", False,
     "メールの添付ファイルや本文中のリンクからのウイルス感染に注意している。",
     "Staff watch for malware arriving through email attachments and links."),
    (7, 2, "misdelivery", False,
     "メールやFAXの宛先間違いを防ぐ工夫をしている。",
     "There are steps that prevent email or fax being sent to the wrong recipient."),
    (8, 2, "misdelivery", False,
     "重要な情報はメール本文に書かず、保護したファイルで送るなどしている。",
     "Important information is not written in an email's body but sent in a protected file or the like."),
    (9, 2, "wireless_lan", True,
     "無線LANは適切な暗号化方式を設定するなど、安全に使っている。",
     "Wireless LAN is used safely, with proper encryption and similar settings."),
    (10, 2, "web_and_sns", False,
     "ウェブ閲覧によるウイルス感染やSNSへの不用意な書き込みなどのトラブルに備えている。",
     "There are measures against malware from web browsing and careless posts on social media."),
    (11, 2, "backup", False,
     "ウイルス感染・故障・誤操作で重要な情報を失わないよう、バックアップを取っている。",
     "Important data is backed up against malware, breakdowns and mistakes."),
    (12, 2, "information_handling", False,
     "重要な書類や記憶媒体を机の上に放置せず、鍵のかかる場所などに保管している。",
     "Important papers and storage media are not left on desks but kept somewhere secure."),
    (13, 2, "information_handling", False,
     "重要な書類や記憶媒体を持ち出すときは、紛失や盗難への対策をしている。",
     "Important papers and media taken out of the office are protected against loss and theft."),
    (14, 2, "device_protection", False,
     "席を離れるときは、画面を見られたり操作されたりしないようにしている。",
     "When staff leave their desks, nobody can see their screens or use their computers."),
    (15, 2, "physical_security", False,
     "関係者以外が事務所に立ち入れないようにしている。",
     "Only authorised people can enter the office."),
    (16, 2, "device_protection", False,
     "退社時にはノートパソコンなどの機器を施錠して保管し、盗難を防いでいる。",
     "Laptops and other equipment are locked away at the end of the day."),
    (17, 2, "physical_security", False,
     "事務所が無人になるときは、施錠を忘れないようにしている。",
     "The office is reliably locked whenever it is left empty."),
    (18, 2, "secure_disposal", False,
     "重要な書類や記憶媒体を捨てるときは、復元できないようにしている。",
     "Important papers and media are disposed of so they cannot be recovered."),
    (19, 3, "confidentiality", False,
     "従業員に守秘義務を理解させ、業務で知った情報を外に漏らさないルールを守らせている。",
     "Staff understand their duty of confidentiality and keep what they learn at work to themselves."),
    (20, 3, "training", False,
     "従業員にセキュリティの教育や注意喚起を行っている。",
     "Staff receive security training and reminders."),
    (21, 3, "personal_devices", True,
     "私物の機器を業務に使う場合のセキュリティ対策を決めている。",
     "The security rules for using personally owned devices for work are set."),
    (22, 3, "partner_contracts", False,
     "重要な情報をやり取りする取引先との契約に、秘密保持の条項を入れている。",
     "Contracts with partners who exchange important information include confidentiality clauses."),
    (23, 3, "external_services", True,
     "クラウドやウェブサイト運営などの外部サービスは、安全性や信頼性を確認して選んでいる。",
     "Cloud and other external services (website hosting and the like) are chosen for their safety and reliability."),
    (24, 3, "incident_readiness", False,
     "セキュリティ事故に備えて、緊急時の体制や対応手順を用意している。",
     "An emergency set-up and response procedures are ready in case of a security incident."),
    (25, 3, "security_rules", False,
     "これらのセキュリティ対策をルールにまとめ、従業員に示している。",
     "These security measures are written down as rules and shown to staff."),
]  # fmt: skip


def _item(number: int, part: int, topic: str, may_be_not_applicable: bool, ja: str, en: str) -> dict[str, Any]:
    return {
        "id": f"q{number}",
        "number": number,
        "part": part,
        "topic": topic,
        "may_be_not_applicable": may_be_not_applicable,
        "ja": ja,
        "en": en,
    }


VERSION_2026_01: dict[str, Any] = {
    "version": "2026-01",
    "published_on": "2026-01-15",
    "title_ja": "情報セキュリティ自社診断（25項目）",
    "title_en": "Information security self-diagnosis (25 items)",
    "source": {
        "ja": "IPA「5分でできる！情報セキュリティ自社診断」"  # noqa: RUF001 (the official title's full-width !)
        "（「中小企業の情報セキュリティ対策ガイドライン」第3.1版 付録3）",
        "en": 'IPA "5-minute information security self-diagnosis" '
        '(appendix 3 of the "Information Security Guidelines for SMEs", 3rd edition rev. 1)',
        "guideline_edition": "3.1",
        "guideline_date": "2023-04-26",
        "official_sheet_url": OFFICIAL_SHEET_URL,
    },
    "notice_ja": "設問は当サービスが独自に言い換えたものです。IPAが承認・監修したものではありません。"
    "正式な診断シートはIPAのページでご確認ください。",
    "notice_en": "The items are our own paraphrase; IPA has neither approved nor reviewed them. "
    "IPA's page has the official sheet.",
    "answers": _ANSWERS,
    "parts": [
        {"number": 1, "ja": "基本的対策", "en": "Basic measures", "organisational": False},
        {"number": 2, "ja": "従業員としての対策", "en": "Measures for every employee", "organisational": False},
        {"number": 3, "ja": "組織としての対策", "en": "Measures for the organisation", "organisational": True},
    ],
    "items": [_item(*row) for row in _ITEMS],
    "bands": _BANDS,
    "topics": _TOPICS,
}

VERSIONS: dict[str, dict[str, Any]] = {VERSION_2026_01["version"]: VERSION_2026_01}
# The version new diagnoses are answered on.
CURRENT_VERSION = "2026-01"
