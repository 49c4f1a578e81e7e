"""Work kept until the response has gone (backend/afterresponse.py), with real commits."""

import logging

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import User
from backend.afterresponse import (
    AfterResponseMiddleware,
    after_commit_and_response,
    after_response,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _view_that_writes(ran: list, *, fail_after: bool = False):
    def view(_request):
        with transaction.atomic():
            User.objects.create(username="late-work")
            after_commit_and_response(lambda: ran.append(User.objects.count()))
        if fail_after:
            raise RuntimeError("the view broke after its commit")
        return HttpResponse("ok")

    return view


def test_runs_when_the_response_closes_not_before():
    ran: list = []
    response = AfterResponseMiddleware(_view_that_writes(ran))(RequestFactory().post("/"))
    assert ran == []  # the answer is ready and nothing late has run
    response.close()  # what the server does once the last byte has gone
    assert ran == [1]  # ran after the commit: it saw the row


def test_nothing_runs_for_a_rolled_back_write():
    ran: list = []

    def view(_request):
        try:
            with transaction.atomic():
                User.objects.create(username="rolled-back")
                after_commit_and_response(lambda: ran.append("late"))
                raise LookupError
        except LookupError:
            pass
        return HttpResponse("ok")

    AfterResponseMiddleware(view)(RequestFactory().get("/")).close()
    assert ran == []
    assert not User.objects.filter(username="rolled-back").exists()


def test_a_view_that_breaks_after_committing_still_runs_the_work():
    ran: list = []
    with pytest.raises(RuntimeError):
        AfterResponseMiddleware(_view_that_writes(ran, fail_after=True))(RequestFactory().get("/"))
    assert ran == [1]


def test_a_failure_is_logged_and_the_rest_still_runs(caplog):
    ran: list = []

    def view(_request):
        after_response(lambda: 1 / 0)
        after_response(lambda: ran.append("second"))
        return HttpResponse("ok")

    response = AfterResponseMiddleware(view)(RequestFactory().get("/"))
    with caplog.at_level(logging.ERROR, logger="hamandishi.afterresponse"):
        response.close()
    assert ran == ["second"]
    assert "work after the response failed" in caplog.text


def test_outside_a_request_it_runs_at_once():
    ran: list = []
    after_response(lambda: ran.append("now"))
    assert ran == ["now"]
    with transaction.atomic():
        after_commit_and_response(lambda: ran.append("on commit"))
        assert ran == ["now"]
    assert ran == ["now", "on commit"]


def test_the_next_request_starts_with_nothing_pending():
    ran: list = []

    def view(_request):
        after_response(lambda: ran.append("first"))
        return HttpResponse("ok")

    middleware = AfterResponseMiddleware(view)
    middleware(RequestFactory().get("/")).close()
    after_response(lambda: ran.append("between requests"))  # no request: at once
    assert ran == ["first", "between requests"]
