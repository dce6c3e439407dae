"""Sign-in throttling (django-axes): five wrong passwords for one username from one address pause
sign-in for that pair for 15 minutes, with a clear page (429) saying until when; the right
password is refused meanwhile; other people, and the same person elsewhere, are unaffected; the
pause ends after the cool-off or when an administrator resets it."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
OFFICE, HOME = "10.0.0.7", "192.0.2.44"


def attempt(client, username, password, *, ip=OFFICE):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def lock_out(client, username, *, ip=OFFICE):
    responses = [attempt(client, username, "not-my-password", ip=ip) for _ in range(5)]
    return responses


def test_the_settings_are_five_tries_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    cool_off = settings.AXES_COOLOFF_TIME
    assert cool_off == dt.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesBackend"


def test_four_wrong_passwords_only_say_the_password_is_wrong():
    user, client = UserFactory(), Client()
    for _ in range(4):
        response = attempt(client, user.username, "wrong")
        assert response.status_code == 200
        assert b"Please enter a correct username and password" in response.content
    assert signed_in(client) is False
    assert attempt(client, user.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_fifth_wrong_password_locks_with_a_clear_page_saying_when():
    user, client = UserFactory(), Client()
    before = timezone.localtime()
    *earlier, fifth = lock_out(client, user.username)

    assert [r.status_code for r in earlier] == [200, 200, 200, 200]
    assert fifth.status_code == 429
    assert fifth["Retry-After"] == "900"
    page = fifth.content.decode()
    assert "Sign-in paused for this account" in page
    assert "5 unsuccessful attempts" in page and "for 15 minutes" in page
    until = re.search(r"try again after <strong><time datetime=\"([^\"]+)\">(\d\d:\d\d)<", page)
    assert until, page
    try_again_at = dt.datetime.fromisoformat(until.group(1))
    assert dt.timedelta(minutes=14, seconds=59) <= try_again_at - before <= dt.timedelta(minutes=16)
    assert until.group(2) == f"{try_again_at:%H:%M}"
    assert "Traceback" not in page and "axes" not in page.lower()
    # The wrong passwords themselves are not kept in the attempt records.
    assert "not-my-password" not in AccessAttempt.objects.get(username=user.username).post_data


def test_the_right_password_is_refused_during_the_lockout():
    user, client = UserFactory(), Client()
    lock_out(client, user.username)

    response = attempt(client, user.username, PASSWORD)

    assert response.status_code == 429
    assert b"Sign-in paused for this account" in response.content
    assert signed_in(client) is False


def test_another_user_from_the_same_address_is_unaffected():
    locked, other = UserFactory(), UserFactory()
    lock_out(Client(), locked.username)

    client = Client()
    assert attempt(client, other.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_same_user_from_another_address_is_unaffected():
    # Locking by username and address together: an attacker elsewhere cannot lock a person out.
    user = UserFactory()
    lock_out(Client(), user.username, ip=OFFICE)

    client = Client()
    assert attempt(client, user.username, PASSWORD, ip=HOME).status_code == 302
    assert signed_in(client)


def test_the_lockout_ends_after_the_cool_off():
    user, client = UserFactory(), Client()
    lock_out(client, user.username)
    assert attempt(client, user.username, PASSWORD).status_code == 429

    # Fifteen minutes pass (the attempts' recorded time moves back; nothing is mocked).
    AccessAttempt.objects.filter(username=user.username).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=15, seconds=1)
    )

    assert attempt(client, user.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_lockout_holds_just_before_the_cool_off_ends():
    user, client = UserFactory(), Client()
    lock_out(client, user.username)
    AccessAttempt.objects.filter(username=user.username).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=14)
    )

    assert attempt(client, user.username, PASSWORD).status_code == 429
    assert signed_in(client) is False


def test_an_administrator_can_lift_the_lockout():
    user, client = UserFactory(), Client()
    lock_out(client, user.username)

    assert reset(username=user.username) == 1

    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures():
    user, client = UserFactory(), Client()
    for _ in range(4):
        attempt(client, user.username, "wrong")
    assert attempt(client, user.username, PASSWORD).status_code == 302
    client.logout()

    # Four more wrong passwords do not lock: the count started again after the success.
    assert [attempt(client, user.username, "wrong").status_code for _ in range(4)] == [200] * 4


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    proxy = "172.16.0.2"

    def via_proxy(client, password, client_ip, spoofed=""):
        forwarded = f"{spoofed}, {client_ip}" if spoofed else client_ip
        return client.post(
            LOGIN,
            {"username": user.username, "password": password},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    client = Client()
    # A client that makes up a different left-most address each time is still one client.
    for n in range(5):
        via_proxy(client, "wrong", OFFICE, spoofed=f"198.51.100.{n}")
    assert via_proxy(client, PASSWORD, OFFICE).status_code == 429
    # Another person behind the same proxy is not locked out with them.
    assert via_proxy(Client(), PASSWORD, HOME).status_code == 302
