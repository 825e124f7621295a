"""Browser journeys: Debian's Chromium driven by Playwright, a live server, a real SMTP server.

- `browser`: Chromium at /usr/bin/chromium (Playwright's own browser download cannot work
  here). Missing: the test skips locally and fails under CI=true (tests.conftest.need_service).
- `page` (a desk, 1280×800) and `phone_page` (390×844, touch): every page visited is saved as a
  full-page screenshot in var/screenshots/<test name>/<device>-<n>-<slug>.png (git-ignored), to
  be looked at: after each `goto`, at `landed(page, url)` (use it after a click or Enter that
  navigates), and the page a test ends on if it was not saved yet.
- `live_server` is pytest-django's; a test using it needs `@pytest.mark.django_db(transaction=True)`
  (the server thread must see the test's rows). `server_url` joins a path to it.
- `mailbox`: an aiosmtpd server on a free 127.0.0.1 port with Django's SMTP backend pointed at it.
  Mails go through the notification outbox (eager Celery here), so a mail leaves when its
  transaction commits; `mailbox.wait_for(address)` waits for it, `first_link(mail)` finds the
  link people click.

Every test in this folder is marked `browser`.
"""

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings as django_settings

from tests.conftest import need_service

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
DESK = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Long enough for a page of the live server on a busy 2-core machine, short enough to fail fast.
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


# --- the browser -----------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module. Not per session: pytest-django runs the database tests
    first and the others after them, and while Playwright runs, its event loop is marked
    running in this thread (see below), which would break the ORM of every test after it."""
    need_service("Chromium (/usr/bin/chromium)", os.access(CHROMIUM, os.X_OK))
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an event loop running in this thread, which Django's
    # guard takes for async code: it would refuse the ORM calls of the test body. Nothing runs
    # concurrently with it (the test and the browser take turns), so the guard is lifted while
    # the browser is open, and put back (for the subprocesses of later tests) when it closes.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _slug(url: str) -> str:
    path = re.sub(r"^[a-z]+://[^/]+", "", url).split("?")[0].split("#")[0].strip("/")
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")[:60] or "home"


class Screenshots:
    """Saves every loaded page of one test, numbered in the order visited."""

    def __init__(self, test_name: str, prefix: str) -> None:
        self.folder = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
        self.prefix = prefix
        for old in self.folder.glob(f"{prefix}*.png"):  # a previous run's
            old.unlink()
        self.count = 0
        self.saved: list[Path] = []
        self.loads = 0  # main-frame loads seen (counted by a "load" handler)
        self.loads_saved = -1  # the count when the last screenshot was taken

    def take(self, page: Any, label: str = "", *, full_page: bool = True) -> Path:
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.prefix}{self.count:02d}-{label or _slug(page.url)}.png"
        page.screenshot(path=str(path), full_page=full_page)
        self.saved.append(path)
        self.loads_saved = self.loads
        return path


def _open_page(browser: Any, request: pytest.FixtureRequest, viewport: dict[str, int], prefix: str, **options: Any):
    context = browser.new_context(viewport=viewport, locale="ja-JP", timezone_id="Asia/Tokyo", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    shots = Screenshots(request.node.name, prefix)
    # When a screenshot is taken is decided here, not in a "load" event handler: the synchronous
    # API runs handlers late, during the test's next call, and a screenshot taken then showed
    # the next page (or hung while a navigation was pending). So: after every goto, at every
    # `landed(page, url)`, and the page the test ends on.
    goto = page.goto

    def goto_and_shoot(url: str, **kwargs: Any) -> Any:
        response = goto(url, **kwargs)
        shots.take(page)
        return response

    page.goto = goto_and_shoot
    page.on("load", lambda loaded: setattr(shots, "loads", shots.loads + 1))
    page.screenshots = shots
    return context, page, shots


def _close_page(context: Any, page: Any, shots: Screenshots) -> None:
    if page.url.startswith("http"):
        page.wait_for_load_state()
        if shots.loads != shots.loads_saved:
            shots.take(page)  # the page the test ended on
    context.close()


def landed(page: Any, url: str) -> None:
    """Wait until `page` shows `url` (after a click or Enter that navigates) and screenshot it."""
    from playwright.sync_api import expect

    expect(page).to_have_url(url)
    page.wait_for_load_state()
    page.screenshots.take(page)


@pytest.fixture
def page(browser, request) -> Iterator[Any]:
    """A desk-sized page (1280×800) in Japanese, Asia/Tokyo; every loaded page is screenshot."""
    context, page, shots = _open_page(browser, request, DESK, "desk-")
    yield page
    _close_page(context, page, shots)


@pytest.fixture
def phone_page(browser, request) -> Iterator[Any]:
    """A phone-sized page (390×844, touch, mobile) in Japanese; every loaded page is screenshot."""
    context, page, shots = _open_page(browser, request, PHONE, "phone-", is_mobile=True, has_touch=True)
    yield page
    _close_page(context, page, shots)


@pytest.fixture
def server_url(live_server):
    """`server_url("/login/")`: the live server's address of a path."""

    def url(path: str) -> str:
        return f"{live_server.url}{path}"

    return url


# --- mail ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """What the SMTP server received, by recipient."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        address = address.lower()
        with self._arrived:
            return [m for m in self.messages if address in str(m.get("To", "")).lower()]

    def wait_for(self, address: str, *, count: int = 1, timeout: float = 10.0) -> EmailMessage:
        """The latest mail to `address` once at least `count` have arrived; fails after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                received = [m for m in self.messages if address.lower() in str(m.get("To", "")).lower()]
                if len(received) >= count:
                    return received[-1]
                left = deadline - time.monotonic()
                if left <= 0:
                    got = [str(m.get("To")) for m in self.messages]
                    raise AssertionError(f"no mail to {address} within {timeout} s (received for: {got})")
                self._arrived.wait(left)


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    assert part is not None, "the mail has no body"
    return str(part.get_content())


def first_link(message: EmailMessage) -> str:
    """The first http(s) link in the mail's body: the one it asks people to open."""
    found = re.search(r"https?://[^\s<>\"'）」]+", body_text(message))
    assert found is not None, f"no link in the mail: {body_text(message)[:500]}"
    return found.group(0)


@pytest.fixture
def mailbox(settings) -> Iterator[Mailbox]:
    """A real SMTP server for this test, with Django's SMTP backend pointed at it."""
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    try:
        yield box
    finally:
        controller.stop()
