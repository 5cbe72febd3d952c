"""The machinery of the permission walk (tests/claims/test_permission_walk.py).

* ``url_patterns``: every pattern of the URL conf, as the route string a person reads;
* ``parse_forms`` / ``submissions``: the forms of a page as a browser sees them, posted back
  unchanged or with every field changed (markers in the text, ids re-aimed at other items);
* ``public_fingerprint`` / ``full_fingerprint``: the rows the public reads through the
  published and retracted items (or every row), to compare before and after;
* ``Walker``: a client that counts what it asked and saw, and after every request notes which
  fingerprinted row moved, and by which request.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.urls import URLPattern, URLResolver, get_resolver

from claims.models import Case, Citation, Claim, Contradiction, Correction, Speaker, Topic
from sources.models import Outlet, Source

MARK = "PWNED-"
MARK_RE = re.compile(r"pwned-\d+", re.IGNORECASE)
PUBLIC = ("published", "retracted")

# --- the URL conf ---------------------------------------------------------------------------


def url_patterns(resolver=None, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(route, name) of every pattern: the route is its patterns' strings joined, e.g.
    ``admin/claims/claim/<path:object_id>/change/``; the name is namespaced, or ``""``."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            found.extend(url_patterns(entry, route, inner))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            found.append((route, name))
    return found


# --- forms, as a browser reads and sends them ------------------------------------------------


@dataclass
class Control:
    tag: str  # input, select, textarea, button
    type: str  # text, hidden, checkbox, ..., select, select-multiple, textarea, submit
    name: str
    value: str | list[str]
    options: list[str] = field(default_factory=list)
    checked: bool = False
    classes: frozenset[str] = frozenset()
    formaction: str = ""  # a submit button's own address (and method), as a browser uses them
    formmethod: str = ""


@dataclass
class Form:
    index: int
    action: str
    method: str
    controls: list[Control]

    @property
    def buttons(self) -> list[Control]:
        return [c for c in self.controls if c.type in ("submit", "image") and c.name]

    @property
    def fields(self) -> list[Control]:
        return [c for c in self.controls if c.type not in ("submit", "image", "reset", "button")]

    def control(self, name: str) -> Control | None:
        return next((c for c in self.controls if c.name == name), None)


def _textarea_value(element) -> str:
    text = element.text or ""
    # the HTML parser drops one newline right after <textarea> (Django writes one there)
    if text.startswith("\r\n"):
        return text[2:]
    if text.startswith("\n"):
        return text[1:]
    return text


def _control(element) -> Control | None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    name = element.get("name") or ""
    classes = frozenset((element.get("class") or "").split())
    if element.get("disabled") is not None:
        return None  # a browser sends no disabled control
    if tag == "input":
        kind = (element.get("type") or "text").lower()
        default = "on" if kind in ("checkbox", "radio") else ""
        return Control(
            tag,
            kind,
            name,
            element.get("value", default),
            checked=element.get("checked") is not None,
            classes=classes,
            formaction=element.get("formaction") or "",
            formmethod=(element.get("formmethod") or "").lower(),
        )
    if tag == "button":
        kind = (element.get("type") or "submit").lower()
        return Control(
            tag,
            kind,
            name,
            element.get("value", ""),
            classes=classes,
            formaction=element.get("formaction") or "",
            formmethod=(element.get("formmethod") or "").lower(),
        )
    if tag == "textarea":
        return Control(tag, "textarea", name, _textarea_value(element), classes=classes)
    if tag == "select":
        options = [
            (o.get("value") if o.get("value") is not None else o.text_content().strip())
            for o in element.iter("option")
        ]
        chosen = [
            (o.get("value") if o.get("value") is not None else o.text_content().strip())
            for o in element.iter("option")
            if o.get("selected") is not None
        ]
        if element.get("multiple") is not None:
            return Control(tag, "select-multiple", name, chosen, options, classes=classes)
        value = chosen[-1] if chosen else (options[0] if options else None)
        if value is None:
            value = ""
        return Control(tag, "select", name, value, options, classes=classes)
    return None


def parse_forms(content: bytes | str, page_url: str) -> list[Form]:
    if not content:
        return []
    if isinstance(content, bytes):  # Django's pages are UTF-8; lxml would guess otherwise
        content = content.decode("utf-8", errors="replace")
    try:
        document = lxml.html.document_fromstring(content)
    except Exception:  # not HTML after all
        return []
    forms = []
    for index, element in enumerate(document.xpath("//form")):
        elements = element.xpath(".//input|.//select|.//textarea|.//button")
        if element.get("id"):
            outside = document.xpath("//*[@form=$id]", id=element.get("id"))
            elements += [e for e in outside if e not in elements]
        controls = [c for c in (_control(e) for e in elements) if c is not None]
        action = urljoin(page_url, element.get("action") or page_url)
        method = (element.get("method") or "get").lower()
        for control in controls:
            control.formaction = urljoin(page_url, control.formaction) if control.formaction else ""
        forms.append(Form(index, action, method, controls))
    return forms


# Hidden or chosen values that are not item ids, or that a browser never changes.
KEEP = {
    "csrfmiddlewaretoken",
    "_version",
    "version",
    "select_across",
    "_changelist_filters",
    "_popup",
    "_to_field",
    "index",
    "post",
    "action",
    "next",
    "sha256",
    "fetch_url",  # left empty: a value would make the test fetch from the network
}
# The last part of a field's name -> the model of the id it holds.
ID_FIELDS = {
    "claim": "claims.claim",
    "counter": "claims.claim",
    "contradiction": "claims.contradiction",
    "source": "sources.source",
    "speaker": "claims.speaker",
    "outlet": "sources.outlet",
    "topics": "claims.topic",
    "cases": "claims.case",
    "citations": "claims.citation",
}
INLINE_PREFIXES = {"citations": "claims.citation"}
NUMBER_CLASSES = {"vIntegerField", "vBigIntegerField", "vPositiveIntegerField"}
DATE = "2001-02-03"
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}")
TIME = "01:02:03"


def _is_management(name: str) -> bool:
    return name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"))


def model_of(name: str, page_model: str | None) -> str | None:
    """The model whose id a field named ``name`` holds (``citations-0-id`` is a citation's)."""
    parts = name.split("-")
    last = parts[-1]
    if last == "id":
        return INLINE_PREFIXES.get(parts[0]) if len(parts) > 1 else page_model
    return ID_FIELDS.get(last)


@dataclass
class Submission:
    variant: str
    button: str
    data: dict
    action: str  # where it goes and how: the form's, or its button's formaction/formmethod
    method: str
    button_value: str = ""

    @property
    def key(self) -> tuple:
        # not the button's value: a page read again may offer the same button with another
        return (self.variant, self.button, self.action, self.method)


class Markers:
    def __init__(self):
        self._n = itertools.count(1)

    def __call__(self) -> str:
        return f"{MARK}{next(self._n)}"


def _is_row_id(control: Control, page_model: str | None) -> bool:
    """A hidden id that names the row a form edits or its parent (an inline's ``-id`` and
    ``-claim``): re-aimed only in the "re-aimed rows" variant, so the other changes are not
    all refused for it."""
    if control.type != "hidden" or control.name in KEEP or _is_management(control.name):
        return False
    return model_of(control.name, page_model) is not None or str(control.value).isdigit()


def _changed_value(control: Control, *, aim, page_model, mark) -> object:
    """The value of ``control`` with everything changed: text to a marker, an id to another
    item's (``aim(model)``), a choice to another choice, a box flipped."""
    name, kind, value = control.name, control.type, control.value
    target = model_of(name, page_model)
    if kind in ("select", "select-multiple"):
        others = [o for o in control.options if o and o not in (value or [])]
        chosen = aim(target) if target else None
        if chosen is None and others:
            chosen = others[0]
        if chosen is None:
            return value if kind == "select" else list(value)
        return [chosen] if kind == "select-multiple" else chosen
    if kind == "checkbox":
        return None if control.checked else control.value  # flipped
    if kind == "hidden":
        if target and aim(target) is not None:
            return aim(target)
        if str(value).isdigit() and page_model and aim(page_model) is not None:
            return aim(page_model)
        return mark() if value == "" or not str(value).isdigit() else value
    if kind in ("number",) or control.classes & NUMBER_CLASSES:
        return str(int(value) + 1) if str(value).isdigit() else "1"
    if "vDateField" in control.classes or kind == "date" or DATE_RE.fullmatch(str(value)):
        return DATE
    if not value and control.name.endswith(("_on", "_date")):
        return DATE
    if "vTimeField" in control.classes or kind == "time":
        return TIME
    if kind == "email":
        return f"{mark().lower()}@example.org"
    if kind == "url":
        return f"https://example.org/{mark()}"
    if kind in ("text", "search", "password", "textarea", "tel"):
        return mark()
    return value


# Buttons that differ from "_save" only in where the admin goes next: posted with the form
# unchanged and changed, not with every other variant.
SAME_SAVE = ("_addanother", "_continue")


def submissions(
    form: Form,
    *,
    aim: Callable[[int], Callable[[str], str | None]],
    select_all: Callable[[str], list[str]],
    page_model: str | None,
    mark: Markers,
) -> list[Submission]:
    """What to post back, once per named submit button:

    * ``unchanged``: as the page gave it;
    * ``changed``: every text to a marker, every date, time, number and choice to another,
      every box flipped, every chosen id (a select, an autocomplete) to another item's:
      ``aim(offset)`` gives a function, model -> the next id to re-aim at in this variant;
    * ``changed, other ids``: the same with the next items (one rule refusing a
      combination, a claim paired with itself, a source cited twice, does not end the try);
    * ``re-aimed rows``: as given, but every hidden id (an inline row's own and its
      parent's) aimed at another item's;
    * ``delete inline rows``: as given, every inline row marked for deletion;
    * ``upload``: as given, with a file (its text carries a marker) in every file field.

    A changelist's action form: each action, with every seeded item of the model selected."""
    base: dict[str, list] = collections.defaultdict(list)
    for control in form.fields:
        if not control.name or control.type == "file":
            continue
        if control.type in ("checkbox", "radio"):
            if control.checked:
                base[control.name].append(control.value)
            continue
        if control.type == "select-multiple":
            base[control.name].extend(control.value)
            continue
        base[control.name].append(control.value)

    def frozen(data: dict[str, list]) -> dict:
        return {k: (v if len(v) != 1 else v[0]) for k, v in data.items()}

    def copy(data: dict[str, list]) -> dict[str, list]:
        return {k: list(v) for k, v in data.items()}

    # one button per name and address: buttons that differ only in their value (a "link as
    # contradiction" button per suggested counter) do the same thing with another id
    buttons: list[tuple[str, str, str, str]] = []
    for b in form.buttons:
        button = (b.name, b.value, b.formaction or form.action, b.formmethod or form.method)
        if not any((n, a, m) == (button[0], *button[2:]) for n, _v, a, m in buttons):
            buttons.append(button)
    buttons = buttons or [("", "", form.action, form.method)]
    action = form.control("action")
    if action is not None and action.type == "select" and page_model:
        out = []
        for option in action.options:
            if not option:
                continue
            data = copy(base)
            data["action"] = [option]
            data["_selected_action"] = select_all(page_model)
            for name, value, url, method in buttons:
                with_button = dict(data)
                if name:
                    with_button[name] = [value]
                out.append(
                    Submission(f"action {option}", name, frozen(with_button), url, method, value)
                )
        return out

    def changed(offset: int, *, rows: bool) -> dict[str, list]:
        """Every field changed (``rows``: only the hidden row ids re-aimed)."""
        next_id = aim(offset)
        data: dict[str, list] = {}
        radios_seen: set[str] = set()
        for control in form.fields:
            if not control.name or control.type == "file":
                continue
            keep = (
                control.name in KEEP
                or _is_management(control.name)
                or (control.type == "checkbox" and control.name.endswith("-DELETE"))
                or _is_row_id(control, page_model) != rows
            )
            if keep:
                if control.type not in ("checkbox", "radio") or control.checked:
                    data.setdefault(control.name, []).append(control.value)
                continue
            if control.type == "radio":
                if control.name in radios_seen:
                    continue
                radios_seen.add(control.name)
                group = [c for c in form.fields if c.name == control.name]
                pick = next((c for c in group if not c.checked), group[0])
                data[control.name] = [pick.value]
                continue
            value = _changed_value(control, aim=next_id, page_model=page_model, mark=mark)
            if value is None:
                continue
            data.setdefault(control.name, []).extend(value if isinstance(value, list) else [value])
        return data

    variants: list[tuple[str, dict]] = [
        ("unchanged", copy(base)),
        ("changed", changed(0, rows=False)),
        ("changed, other ids", changed(1, rows=False)),
    ]
    if any(_is_row_id(c, page_model) for c in form.fields):
        variants.append(("re-aimed rows", changed(0, rows=True)))

    deletes = [c for c in form.fields if c.type == "checkbox" and c.name.endswith("-DELETE")]
    if deletes:
        deleting = copy(base)
        for box in deletes:
            deleting[box.name] = [box.value]
        variants.append(("delete inline rows", deleting))

    files = [c for c in form.fields if c.type == "file" and c.name]
    if files:
        uploading = copy(base)
        for box in files:
            marker = mark()
            uploading[box.name] = [
                SimpleUploadedFile(
                    f"{marker}.txt",
                    f"{marker} said: “{marker} is the archived text.”".encode(),
                    content_type="text/plain",
                )
            ]
        variants.append(("upload", uploading))

    out = []
    for variant, data in variants:
        for name, value, url, method in buttons:
            if name in SAME_SAVE and variant not in ("unchanged", "changed"):
                continue
            with_button = copy(data)
            if name:
                with_button[name] = [value]
            out.append(Submission(variant, name, frozen(with_button), url, method, value))
    return out


def rewind_uploads(data: dict) -> None:
    for value in data.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, SimpleUploadedFile):
                item.seek(0)


# --- fingerprints ---------------------------------------------------------------------------


# Copies the database keeps of other rows (a pair's sides' speakers, a claim's topic ids):
# they follow the row they copy (a retracted pair's draft side may be edited; its page shows
# nothing of that side), and what they copy is fingerprinted where it is public.
DERIVED = {"claim_speaker_id", "counter_speaker_id", "topic_pks"}


def _fields(model) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if not isinstance(f, models.GeneratedField) and f.attname not in DERIVED
    ]


def _rows(model, queryset=None) -> dict:
    queryset = model._default_manager.all() if queryset is None else queryset
    label = model._meta.label
    return {(label, row["id"]): row for row in queryset.values(*_fields(model))}


def _links(through, owner: str, other: str, owners: Iterable[int], label: str) -> dict:
    found: dict = collections.defaultdict(list)
    pairs = through.objects.filter(**{f"{owner}__in": list(owners)}).values_list(owner, other)
    for key, value in pairs:
        found[key].append(value)
    return {(label, key): {"ids": sorted(values)} for key, values in found.items()}


def _ids(rows: dict) -> set[int]:
    return {pk for _label, pk in rows}


def public_fingerprint() -> dict:
    """Every published and retracted claim and contradiction, every published case, and what
    the public reads through them: speakers, topics, citations (and their sources, archived
    text included, and the sources' outlets), corrections, and the many-to-many links (a
    claim's topics and cases, a pair's cases, a case's public claims and pairs), keyed by
    (model or link, pk). Every concrete column is compared (generated ones are derived)."""
    claims = _rows(Claim, Claim.objects.filter(status__in=PUBLIC))
    pairs = _rows(Contradiction, Contradiction.objects.filter(status__in=PUBLIC))
    claim_ids, pair_ids = _ids(claims), _ids(pairs)
    topic_links = _links(Claim.topics.through, "claim_id", "topic_id", claim_ids, "Claim.topics")
    case_links = _links(Claim.cases.through, "claim_id", "case_id", claim_ids, "Claim.cases")
    pair_case_links = _links(
        Contradiction.cases.through, "contradiction_id", "case_id", pair_ids, "Contradiction.cases"
    )
    # the published cases (a draft case a public item links to is not read by the public:
    # the link is fingerprinted, the draft case's row is a reporter's to edit)
    cases = _rows(Case, Case.objects.filter(status__in=PUBLIC))
    speaker_ids = {row["speaker_id"] for row in claims.values()}  # the sides on the record
    topic_ids = {pk for v in topic_links.values() for pk in v["ids"]}
    citations = _rows(Citation, Citation.objects.filter(claim_id__in=claim_ids))
    source_ids = {row["source_id"] for row in citations.values()}
    sources = _rows(Source, Source.objects.filter(pk__in=source_ids))
    outlet_ids = {row["outlet_id"] for row in sources.values()}
    corrections = _rows(
        Correction,
        Correction.objects.filter(
            models.Q(claim_id__in=claim_ids) | models.Q(contradiction_id__in=pair_ids)
        ),
    )
    # what a published case's page lists: its links to public claims and pairs
    public_case_ids = {pk for (_l, pk), row in cases.items() if row["status"] in PUBLIC}
    case_claims = _links(Claim.cases.through, "case_id", "claim_id", public_case_ids, "Case.claims")
    case_claims = {
        k: {"ids": [i for i in v["ids"] if i in claim_ids]} for k, v in case_claims.items()
    }
    case_pairs = _links(
        Contradiction.cases.through, "case_id", "contradiction_id", public_case_ids, "Case.pairs"
    )
    case_pairs = {k: {"ids": [i for i in v["ids"] if i in pair_ids]} for k, v in case_pairs.items()}
    return {
        **claims,
        **pairs,
        **cases,
        **_rows(Speaker, Speaker.objects.filter(pk__in=speaker_ids - {None})),
        **_rows(Topic, Topic.objects.filter(pk__in=topic_ids)),
        **citations,
        **sources,
        **_rows(Outlet, Outlet.objects.filter(pk__in=outlet_ids - {None})),
        **corrections,
        **topic_links,
        **case_links,
        **pair_case_links,
        **case_claims,
        **case_pairs,
    }


def full_fingerprint() -> dict:
    """Every row of the newsroom's models and every link: for a visitor, nothing may move."""
    found: dict = {}
    for model in (Claim, Contradiction, Case, Speaker, Topic, Citation, Correction, Source, Outlet):
        found.update(_rows(model))
    all_claims = Claim.objects.values_list("pk", flat=True)
    all_pairs = Contradiction.objects.values_list("pk", flat=True)
    found.update(_links(Claim.topics.through, "claim_id", "topic_id", all_claims, "Claim.topics"))
    found.update(_links(Claim.cases.through, "claim_id", "case_id", all_claims, "Claim.cases"))
    found.update(
        _links(
            Contradiction.cases.through,
            "contradiction_id",
            "case_id",
            all_pairs,
            "Contradiction.cases",
        )
    )
    return found


def _short(value) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    text = repr(value)
    return text if len(text) <= 90 else text[:60] + "…" + text[-25:]


@dataclass
class Change:
    key: tuple
    field: str
    before: object
    after: object

    def __str__(self) -> str:
        label, pk = self.key
        return f"{label} #{pk} {self.field}: {_short(self.before)} -> {_short(self.after)}"


def diff(before: dict, after: dict) -> list[Change]:
    changes = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[0], k[1])):
        old, new = before.get(key), after.get(key)
        if old is None:
            changes.append(Change(key, "(row)", "absent", "appeared"))
        elif new is None:
            changes.append(Change(key, "(row)", "present", "gone"))
        else:
            for name in old:
                if old[name] != new.get(name):
                    changes.append(Change(key, name, old[name], new.get(name)))
    return changes


# --- the walker -----------------------------------------------------------------------------


@dataclass
class Step:
    route: str
    method: str
    url: str
    variant: str
    status: int

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url} [{self.variant}] -> {self.status} ({self.route})"


FINGERPRINTED = (Claim, Contradiction, Case, Speaker, Topic, Citation, Correction, Source, Outlet)


def write_counter() -> Callable[[], int]:
    """Rows written so far in this transaction (the test's) to the fingerprinted tables, as
    PostgreSQL counts them: a cheap test of whether the fingerprint can have moved."""
    tables = [m._meta.db_table for m in FINGERPRINTED]
    tables += [
        Claim.topics.through._meta.db_table,
        Claim.cases.through._meta.db_table,
        Contradiction.cases.through._meta.db_table,
    ]

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
                [tables],
            )
            return int(cursor.fetchone()[0])

    return count


class Walker:
    """A client that counts, notes 500s, and after every request notes which fingerprinted
    rows moved (and keeps its session: a walk that posts to the logout page signs in again).

    The fingerprint is taken when PostgreSQL counts a write to its tables since the last one,
    and every CROSS_CHECK requests whatever it counts (so a missed write is still found)."""

    CROSS_CHECK = 20

    def __init__(self, client, *, fingerprint: Callable[[], dict], relogin=None):
        self.client = client
        self.fingerprint = fingerprint
        self.writes = write_counter()
        self.written = self.writes()
        self.relogin = relogin
        self.requests = 0
        self.statuses: collections.Counter = collections.Counter()
        self.errors: list[tuple[Step, str]] = []
        self.changes: list[tuple[Step, Change]] = []
        self.markers: dict[str, Step] = {}
        self.routes: set[str] = set()
        self.walked: set[str] = set()
        self.relogins = 0
        self.seconds: collections.Counter = collections.Counter()  # per pattern
        self.fingerprint_seconds = 0.0
        self.fingerprints = 0
        self.log: list[str] = []  # every request, for WALK_LOG
        self.last = fingerprint()

    def csrf(self) -> str:
        cookie = self.client.cookies.get("csrftoken")
        if cookie is None or not cookie.value:
            self.client.get("/admin/login/")
            cookie = self.client.cookies.get("csrftoken")
        return cookie.value if cookie is not None else ""

    def send(self, method: str, url: str, data=None, *, route: str, variant: str = ""):
        started = time.monotonic()
        if method == "get":
            response = self.client.get(url, data or {})
        else:
            rewind_uploads(data or {})
            response = self.client.post(url, data or {})
        self.requests += 1
        self.seconds[route.split(" -> ")[0]] += time.monotonic() - started
        self.routes.add(route)
        self.statuses[response.status_code] += 1
        step = Step(route, method, url, variant, response.status_code)
        self.log.append(str(step) + _form_errors(response, method))
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            why = f"{exc[0].__name__}: {exc[1]}" if exc else "(no exception recorded)"
            self.errors.append((step, why))
        for value in (data or {}).values():
            for item in value if isinstance(value, list) else [value]:
                for marker in MARK_RE.findall(str(getattr(item, "name", item))):
                    self.markers.setdefault(marker.upper(), step)
        written = self.writes()
        if written == self.written and self.requests % self.CROSS_CHECK:
            if self.relogin is not None:
                self.relogin(self)
            return response
        self.written = written
        started = time.monotonic()
        now = self.fingerprint()
        self.fingerprints += 1
        self.fingerprint_seconds += time.monotonic() - started
        if now != self.last:
            self.changes.extend((step, change) for change in diff(self.last, now))
            self.last = now
        if self.relogin is not None:
            self.relogin(self)
        return response


ERRORS_RE = re.compile(
    r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>|<p class="errornote">(.*?)</p>', re.S
)


def _form_errors(response, method: str) -> str:
    """A form's errors as the page shows them (for the log: was a variant refused, and why)."""
    if method != "post" or response.status_code not in (200, 400) or not is_html(response):
        return ""
    found = [
        re.sub(r"<[^>]+>|\s+", " ", a or b).strip()
        for a, b in ERRORS_RE.findall(body(response).decode(errors="replace"))
    ]
    return ("  errors: " + " | ".join(found)[:300]) if found else ""


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def is_html(response) -> bool:
    return "text/html" in response.get("Content-Type", "")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
