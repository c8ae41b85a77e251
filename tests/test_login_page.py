"""The first page says what this is: the log-in page names the product and
what it does, and, where the demo data is loaded and allowed, how to log in
as the demo reviewer."""

import pytest
from django.urls import reverse

from claims.demo import load_demo

pytestmark = pytest.mark.django_db


def login_page(client) -> str:
    return " ".join(client.get(reverse("login")).content.decode().split())


def test_the_log_in_page_says_what_the_tracker_is(client):
    page = login_page(client)
    assert "Claim tracker" in page
    assert "competing claims from conflicts" in page
    assert "demo-reviewer" not in page  # no demo loaded


def test_with_the_demo_loaded_it_says_how_to_log_in_as_the_demo_reviewer(client, settings):
    settings.DEMO_DATA_ALLOWED = True
    load_demo()
    assert "reviewer / demo-reviewer-2023" in login_page(client)
    settings.DEMO_DATA_ALLOWED = False  # a production site with demo accounts left in it
    assert "demo-reviewer-2023" not in login_page(client)


def test_in_chinese_too(client):
    page = " ".join(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode().split())
    assert "声明追踪" in page and "相互矛盾的说法" in page
