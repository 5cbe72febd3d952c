"""Past one machine: public reads go to the read replica, everything else to the primary; the
docker-compose file describes that deployment."""

from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims import publishing
from claims.models import Status
from rust_tracker.routers import REPLICA
from tests.factories import make_claim

ROOT = Path(__file__).resolve().parents[2]


pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup):
    """A second alias on the same test database, as a streaming replica would be (it sees
    committed data only: these tests commit)."""
    connections.settings[REPLICA] = dict(connections["default"].settings_dict)
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica():
    return connections[REPLICA]


def test_public_reads_go_to_the_replica_and_writes_to_the_primary(replica, client):
    claim = make_claim(slug="on-record", text="Words on record.")
    default = connections["default"]
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(default) as on_default:
        assert client.get("/claims/on-record/").status_code == 200
        assert client.get("/claims/").status_code == 200
    assert len(on_replica) >= 2
    writes = ("INSERT", "UPDATE", "DELETE")
    assert not [q for q in on_replica if q["sql"].lstrip().upper().startswith(writes)]
    assert not [q for q in on_default if "claims_" in q["sql"]], "public reads left the primary"

    editor = User.objects.create_superuser("chief", password="pw")
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(default) as on_default:
        publishing.unpublish(item=claim, by=editor)
    assert not on_replica, "a write (and the reads around it) on the replica"
    assert any(q["sql"].startswith("UPDATE") for q in on_default)
    assert client.get("/claims/on-record/").status_code == 404


def test_staff_read_the_primary(replica):
    make_claim(slug="draft-one", status=Status.DRAFT)
    staff = Client()
    staff.force_login(User.objects.create_superuser("chief", password="pw"))
    with CaptureQueriesContext(replica) as on_replica:
        assert staff.get("/claims/").status_code == 200
        assert staff.get("/preview/claims/draft-one/").status_code == 200
        assert staff.get("/admin/claims/claim/").status_code == 200
    assert not on_replica


@pytest.mark.django_db(transaction=False, databases=[])
def test_compose_file_runs_replicas_behind_a_proxy_with_redis_and_a_read_replica():
    """Docker has no engine on the test machine: the file is checked as data."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    web = services["web"]
    assert web["deploy"]["replicas"] >= 2
    assert "ports" not in web, "the proxy alone is published"
    env = web["environment"]
    assert env["REDIS_URL"].startswith("redis://cache:")
    assert "@db:" in env["DATABASE_URL"] and "@db-replica:" in env["DATABASE_REPLICA_URL"]
    assert services["cache"]["image"].startswith("redis")
    assert services["db"]["image"].startswith("postgres")
    assert services["db-replica"]["image"] == services["db"]["image"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx") and proxy["ports"]
    for service in services.values():
        for volume in service.get("volumes", []):
            host = volume.split(":")[0]
            if host.startswith("./"):
                assert (ROOT / host).exists(), host
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000" in nginx and "proxy_pass http://web" in nginx
    init = (ROOT / "deploy" / "postgres" / "primary-init.sh").read_text()
    assert "REPLICATION" in init and "pg_hba.conf" in init
    assert "pg_basebackup" in (ROOT / "deploy" / "postgres" / "replica-start.sh").read_text()
