"""The engine run for real: ``manage.py tasks_worker`` (django-tasks-db's worker and the
scheduler) in its own process against the test database; repeats of contradicted claims;
retries with backoff."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from claims.models import Citation
from tests.factories import make_case, make_claim, make_contradiction, make_source, make_speaker
from tests.watch.test_watch import CITED, Site, page, serving
from watch import engine, repeats
from watch.models import Alert, KnownRepeat, Outcome, PeriodicJob, WatchedSource

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env_extra: str) -> subprocess.CompletedProcess:
    """manage.py in a process of its own, on the test database (committed data only)."""
    name = connection.settings_dict["NAME"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env_extra}
    if env.get("DATABASE_URL"):
        info = psycopg.conninfo.conninfo_to_dict(connection.connection.info.dsn)
        env["DATABASE_URL"] = (
            f"postgresql://{info.get('user') or ''}:{info.get('password') or ''}"
            f"@{info.get('host') or ''}:{info.get('port') or 5432}/{name}"
        )
    else:
        env["DJANGO_EMBEDDED_DB_NAME"] = name
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_schedules_and_runs_the_watch():
    """The scheduler queues the watch's tick; the worker runs it, which queues the source's
    re-check; the worker runs that: the page's changed text is a capture, all in another
    process, through the queue in PostgreSQL."""
    site = Site()
    with serving(site) as url:
        first = page()
        site.body = first
        source = make_source(text="An earlier text of the story.", url=url)
        make_claim(text="An earlier text of the story.", cite=source)
        done = _manage("tasks_worker", "--batch", "-v0", SOURCE_FETCH_ALLOW_PRIVATE="true")
        assert done.returncode == 0, done.stderr
    state = WatchedSource.objects.get(source=source)
    # the cited earlier text is gone from the page: a capture, and an alert
    assert state.last_outcome == Outcome.CITED_CHANGED, state.last_error
    assert Alert.objects.filter(source=source).count() == 1
    assert state.checks == 1 and state.queued_at is None
    source.refresh_from_db()
    assert CITED in source.text
    ran = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL)
    names = set(ran.values_list("task_path", flat=True))
    assert {"watch.tasks.enqueue_due_checks", "watch.tasks.check_source"} <= names
    job = PeriodicJob.objects.get(name="watch.tasks.enqueue_due_checks")
    assert job.runs == 1 and job.failures == 0 and "1 re-check(s) queued" in job.last_result
    # a second scheduler at once queues nothing more: the job is not due again yet
    assert engine.enqueue_due_jobs() == []


@pytest.fixture
def pair(db):
    speaker = make_speaker(name="Dana Whitfield")
    said = make_claim(
        speaker=speaker, text="I never saw the safety report before the bridge opened."
    )
    counter = make_claim(text="Whitfield signed the safety report two weeks before the opening.")
    contradiction = make_contradiction(claim=said, counter=counter)
    case = make_case()
    contradiction.cases.add(case)
    return contradiction, speaker


def test_a_claim_repeating_a_contradicted_statement_alerts_the_desk(pair):
    contradiction, speaker = pair
    again = make_claim(
        speaker=speaker, text="I never saw that safety report before the bridge was opened."
    )
    assert repeats.check_claim(again.pk) == 1
    repeat = KnownRepeat.objects.get()
    assert (repeat.contradiction, repeat.side, repeat.claim) == (contradiction, "claim", again)
    alert = Alert.objects.get()
    assert alert.title.startswith("Said again: Dana Whitfield")
    labels = [label for label, _ in alert.links]
    assert "Add a citation to the contradicted claim" in labels
    new_pair = dict(alert.links)["Make a new pair of it"]
    assert f"claim={again.pk}&counter={contradiction.counter_id}" in new_pair
    assert list(alert.cases.all()) == list(contradiction.cases.all())
    assert repeats.check_claim(again.pk) == 0  # once


def test_an_unrelated_claim_or_another_speaker_does_not_alert(pair):
    _, speaker = pair
    unrelated = make_claim(speaker=speaker, text="The weather on the day was clear and dry.")
    other = make_claim(text="I never saw the safety report before the bridge opened.")
    assert repeats.check_claim(unrelated.pk) == 0
    assert repeats.check_claim(other.pk) == 0  # the same words, someone else's
    assert not Alert.objects.exists()


def test_a_quotation_in_a_new_capture_repeating_a_side_alerts(pair):
    source = make_source(
        text="At the hearing on Monday, Dana Whitfield spoke again. “I never saw the safety "
        "report before the bridge opened,” Whitfield said."
    )
    assert repeats.check_capture(source.pk) == 1
    alert = Alert.objects.get()
    assert "Cite the passage" in dict(alert.links)
    repeat = KnownRepeat.objects.get()
    assert (repeat.source, repeat.contradiction) == (source, pair[0])


def test_a_new_capture_naming_the_speaker_by_a_known_misspelling_alerts(pair):
    """The speakers are read as the curation reads them: misspellings on record count."""
    _, speaker = pair
    speaker.misspellings = ["Dana Vitfelt"]
    speaker.save()
    source = make_source(
        text="“I never saw the safety report before the bridge opened,” said Dana Vitfelt."
    )
    assert repeats.check_capture(source.pk) == 1


def test_matching_runs_the_same_queries_however_many_sides_are_repeated(
    pair, django_assert_max_num_queries
):
    """Each side's pairs are read in one query, not one per repeated statement."""
    _, speaker = pair
    words = "I never saw the safety report before the bridge opened."
    for n in range(3):
        said = make_claim(speaker=speaker, text=f"{words} Really, {n}.")
        make_contradiction(claim=said, counter=make_claim(text=f"Records show otherwise {n}."))
    with django_assert_max_num_queries(4):  # the words; per side its claims, their pairs
        found = repeats.matches(speaker_ids=[speaker.pk], text=words)
    assert len(found) == 4
    assert found[0].said.text == words  # the most similar first


def test_a_failing_task_is_queued_again_later(db, settings, monkeypatch):
    settings.TASK_RETRIES = 2
    from watch import tasks

    def broken(claim_id):
        raise RuntimeError("database away")

    monkeypatch.setattr(repeats, "check_claim", broken)
    with pytest.raises(RuntimeError):
        tasks.check_claim_repeats.call(1)
    retry = DBTaskResult.objects.get(task_path="watch.tasks.check_claim_repeats")
    assert retry.args_kwargs == {"args": [1], "kwargs": {"attempt": 1}}
    assert retry.run_after is not None
    with pytest.raises(RuntimeError):
        tasks.check_claim_repeats.call(1, attempt=2)  # the last try: not queued again
    assert DBTaskResult.objects.count() == 1
    assert Citation.objects.count() == 0
