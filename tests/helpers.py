"""Helpers the test modules share: staff users and their admin pages, the sample exchange file,
a multipart body of raw bytes, and the one way to count the queries a piece of work runs."""

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

DATA = Path(__file__).resolve().parent / "data"

# People and the admin ----------------------------------------------------------------------

TEXT = "The chief said: “The plant is safe.” The agency said: “The plant is closed.”"


def user(role: str, name: str | None = None) -> User:
    person = User.objects.create_user(name or role.lower(), password="pw", is_staff=True)
    person.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=person.pk)  # fresh: permissions are cached per instance


def signed_in(role: str, name: str | None = None) -> Client:
    client = Client()
    client.force_login(user(role, name))
    return client


def change_url(obj) -> str:
    return reverse(f"admin:claims_{obj._meta.model_name}_change", args=[obj.pk])


def step_url(obj, step: str) -> str:
    return reverse(f"admin:claims_{obj._meta.model_name}_workflow", args=[obj.pk, step])


def history_url(obj, record=None) -> str:
    opts = obj._meta
    if record is None:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, record.history_id],
    )


def _value(value) -> object:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


def form_data(response) -> dict:
    """What the change form would post as the page showed it, inlines included."""
    form = response.context["adminform"].form
    data = {name: _value(form[name].value()) for name in form.fields}
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(n): management[n].value() for n in management.fields})
        for sub in formset.forms:
            data.update({sub.add_prefix(n): _value(sub[n].value()) for n in sub.fields})
    version = re.search(r'name="_version" value="(\d+)"', response.content.decode())
    if version:
        data["_version"] = version.group(1)
    return {k: v for k, v in data.items() if v is not None}


def text(response) -> str:
    return html.unescape(response.content.decode())


# The sample exchange file ------------------------------------------------------------------


def sample_records() -> list[dict]:
    """A small valid exchange file (tests/data/sample_records.jsonl): an outlet, a source, a
    speaker, a topic, a quote cited in the source, a record, and a pair of the two; fresh
    dictionaries on each call."""
    lines = (DATA / "sample_records.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


GOOD = sample_records()


def jsonl(records) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def replaced(index, **changes) -> list[dict]:
    records = [dict(r) for r in GOOD]
    records[index] = {**records[index], **changes}
    return records


# Raw request bodies ------------------------------------------------------------------------

BOUNDARY = "----rust-tracker-test-boundary"


def multipart(fields: dict[str, bytes], files: dict[str, tuple[str, bytes]] = ()) -> bytes:
    """A multipart/form-data body with these raw bytes in it."""
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
        )
    for name, (filename, content) in dict(files).items():
        parts.append(
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename="{filename}"\r\n'
            "Content-Type: text/plain\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


# Complexity guards -------------------------------------------------------------------------


class _Undo(Exception):
    pass


def queries_run(work: Callable[[], object], *, undo: bool = False) -> tuple[object, list[str]]:
    """What ``work()`` returns and the SQL of every query it ran, in order: what a complexity
    guard counts (a fixed number, one per chunk, the same for three times the rows) or reads (no
    COUNT, no sort). With ``undo``, the work runs in a transaction rolled back afterwards, so
    that it can be measured again on the same database."""
    result = None
    with CaptureQueriesContext(connection) as captured:
        if undo:
            try:
                with transaction.atomic():
                    result = work()
                    raise _Undo
            except _Undo:
                pass
        else:
            result = work()
    return result, [q["sql"] for q in captured.captured_queries]


def synthetic_bytes(claims=60, seed=5) -> bytes:
    """A synthetic exchange file (tooling/synthetic.py) of about ``claims`` claims."""
    from tooling import synthetic

    return "".join(synthetic.lines(claims, seed=seed)).encode()
