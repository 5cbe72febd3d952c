"""A database outage answers 503 with Retry-After (temporary); any other failure a 500."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


def test_an_unreachable_database_is_a_brief_503(reader):
    refused = OperationalError("connection failed: the database system is shutting down")
    with mock.patch("claims.views.render", side_effect=refused):
        response = reader.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-cache" in response["Cache-Control"]
    assert b"Back in a moment" in response.content
    assert b"Traceback" not in response.content


def test_any_other_failure_is_a_500(reader):
    with mock.patch("claims.views.render", side_effect=RuntimeError("a bug")):
        response = reader.get("/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"a bug" not in response.content
