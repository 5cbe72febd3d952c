"""Public pages, cached until the public data changes.

One number, the *public data version*, lives in the cache (Redis when ``REDIS_URL`` is set,
so every worker and machine shares it; per-process memory otherwise). Any write to a table
of the ``claims`` or ``sources`` apps moves it on (``claims/write_watch.py``: at the write, and
again when the transaction commits), and it is part of every cached page's key, so a page
cached before a publish, an edit, a retraction, a correction, an import or a new source text
is never served after it. Old entries are not deleted: they expire.

:func:`cache_public` wraps a public view. It caches only what any anonymous visitor would
get: a GET or HEAD without a session cookie, answered 200, not streamed, setting no cookie,
not marked private or no-store, not varying on anything outside the key. The key is (host,
path, query string, the htmx headers, version). A request that carries a session cookie (the
newsroom) bypasses the cache and its answer is marked private, so neither the cache here nor
a CDN ever holds a staff view or a draft. Cached or not, an anonymous answer carries an ETag,
Last-Modified (the last change of the public data), ``Cache-Control: public`` with a short
``max-age`` and a configurable ``s-maxage`` for a CDN, and ``Vary: HX-Request``; a matching
``If-None-Match`` or ``If-Modified-Since`` answers 304, without a Content-Security-Policy (the
browser keeps the page it has with the policy that came with it).

Downloads (a list's CSV or JSON) stream, so their body is not known before it is sent: their
ETag names the page key (with the data version) and the code that wrote them, and a matching
``If-None-Match`` answers 304 before the view runs. They are public like pages (a CDN may keep
them); one sent whole within ``PUBLIC_CACHE_MAX_BYTES`` is kept in the cache as it goes out and
later served as a page is. Their rows are read from the replica like a page's (chunk by chunk,
as they stream). Just after a change, while a replica may still lag, a download gets no
validators and is not kept. Staff downloads (a session) are private like every staff answer.

A page is kept only once it is likely to be read again: on its second request within the
cache's lifetime (``PUBLIC_CACHE_STORE_AFTER``, default 2; 1 keeps every page at its first
request). The first request leaves a small mark under the page's key (read with the page, in
the same cache round trip), so a long tail of pages each asked once (a different search each
request) costs a few bytes per page, not a copy of each page that is never read. How the cache
does (hits, misses, pages kept, per minute over the last hour) is counted in each process and
added to the cache every few seconds: ``stats()``, shown to staff on the desk.

A page's CSP nonce (htmx's script tag, the JSON-LD) is its render's: a cached copy is stored
with that nonce and every answer from it gets a new one, put in place of the old in the page
and in its policy alike, so no two visitors are served the same nonce. The ETag names the
page, whatever its nonce.

Pages rendered for anonymous visitors read from the read replica when one is configured
(``rust_tracker/routers.py``).

Caveat: with per-process memory (no ``REDIS_URL``) each worker has its own version, so a
change made in another process (another gunicorn worker, ``import_jsonl``) reaches a
worker's cached pages only when they expire: ``PUBLIC_CACHE_SECONDS`` is kept short there.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import (
    get_conditional_response,
    parse_etags,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.csp import CSP, build_policy, generate_nonce
from django.utils.http import http_date

from rust_tracker.routers import public_reads

VERSION_KEY = "public-data:version"
CHANGED_KEY = "public-data:changed-at"
PAGE_KEY = "public-page:{version}:{digest}"
SEEN_KEY = "public-seen:{version}:{digest}"  # how many times a page not kept was asked
STATS_KEY = "public-cache:stats:{minute}:{name}"
STATS = ("hit", "miss", "stored")  # answered from the cache, rendered, rendered and kept
STATS_MINUTES = 60  # what stats() sums up
STATS_FLUSH_SECONDS = 5

# Request headers that change a page (htmx asks for fragments); part of the key.
KEY_HEADERS = ("HX-Request", "HX-Target", "HX-Trigger", "HX-Boosted", "HX-History-Restore-Request")
# A response may vary on these and still be cached: the key covers them, or (Cookie) only
# requests without a session cookie are cached and a response setting a cookie never is.
KNOWN_VARY = {header.lower() for header in KEY_HEADERS} | {"cookie", "accept-encoding"}
# Headers set by the view that are kept with a cached page.
_UNSET = object()
STORED_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "X-Robots-Tag",
    # a download's (claims/exports.py)
    "X-Export-Matches",
    "X-Export-Capped",
    "Link",
    "Access-Control-Allow-Origin",
    "Access-Control-Expose-Headers",
)


def _setting(name: str, default):
    return getattr(settings, name, default)


def _cache():
    return caches[_setting("PUBLIC_CACHE_ALIAS", "default")]


# --- the public data version ----------------------------------------------------------------


def _start(cache) -> tuple[int, float]:
    """A fresh version: the time in milliseconds, so that a version lost from the cache (an
    eviction, a restart) never comes back as a number old pages were cached under."""
    now = time.time()
    version = int(now * 1000)
    cache.set_many({VERSION_KEY: version, CHANGED_KEY: now}, timeout=None)
    return version, now


def data_version() -> tuple[int, float]:
    """The current public data version and when it last moved (a Unix time)."""
    cache = _cache()
    state = cache.get_many([VERSION_KEY, CHANGED_KEY])
    if VERSION_KEY not in state or CHANGED_KEY not in state:
        return _start(cache)
    return state[VERSION_KEY], state[CHANGED_KEY]


def bump_public_version() -> None:
    """The public data changed: every cached public page is out of date. Call it after a
    write the ORM does not see (COPY, raw SQL outside ``claims_``/``sources_`` tables)."""
    cache = _cache()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not in the cache (first use, evicted, cleared)
        _start(cache)
        return
    cache.set(CHANGED_KEY, time.time(), timeout=None)


# --- the cache ------------------------------------------------------------------------------


def _bypass(request) -> bool:
    """Someone the page may differ for: the newsroom (a session), a queued message."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


def _keys(request, version: int) -> tuple[str, str]:
    """The request's page key and its seen key (how often a page not kept was asked)."""
    digest = _digest(request)
    return (
        PAGE_KEY.format(version=version, digest=digest),
        SEEN_KEY.format(version=version, digest=digest),
    )


def _digest(request) -> str:
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        *(request.headers.get(header, "") for header in KEY_HEADERS),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _keep_now(cache, seen_key: str, seen: int | None, timeout: int) -> bool:
    """Is this rendering worth keeping? Yes at the page's ``PUBLIC_CACHE_STORE_AFTER``-th request
    within ``timeout``; before that, one more request is counted under ``seen_key``."""
    if timeout <= 0:
        return False
    after = _setting("PUBLIC_CACHE_STORE_AFTER", 2)
    asked = (seen or 0) + 1
    if asked >= after:
        return True
    cache.set(seen_key, asked, timeout)
    return False


# --- how the cache does ---------------------------------------------------------------------


class _Counts:
    """This process's counts not yet added to the cache's, added every few seconds into the
    current minute's counters (kept an hour): cheap on every request, shared by every process
    when the cache is Redis."""

    def __init__(self):
        self.pending = dict.fromkeys(STATS, 0)
        self.flushed = time.monotonic()
        self.lock = threading.Lock()  # a server's threads count into the same dict

    def count(self, name: str) -> None:
        with self.lock:
            self.pending[name] += 1
        if time.monotonic() - self.flushed >= STATS_FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        with self.lock:
            self.flushed = time.monotonic()
            pending, self.pending = self.pending, dict.fromkeys(STATS, 0)
        minute = int(time.time() // 60)
        cache = _cache()
        for name, value in pending.items():
            if not value:
                continue
            key = STATS_KEY.format(minute=minute, name=name)
            if not cache.add(key, value, (STATS_MINUTES + 1) * 60):
                try:
                    cache.incr(key, value)
                except ValueError:  # expired between the two
                    cache.set(key, value, (STATS_MINUTES + 1) * 60)


_counts = _Counts()


def stats(minutes: int = STATS_MINUTES) -> dict:
    """The public cache over the last ``minutes`` minutes (every process's counts, when the
    cache is shared): answers from the cache (``hit``), rendered (``miss``), rendered and kept
    (``stored``, the cache's writes of pages), the hit ratio and the writes per minute."""
    _counts.flush()
    now = int(time.time() // 60)
    keys = {
        STATS_KEY.format(minute=minute, name=name): name
        for minute in range(now - minutes + 1, now + 1)
        for name in STATS
    }
    totals = dict.fromkeys(STATS, 0)
    for key, value in _cache().get_many(list(keys)).items():
        totals[keys[key]] += value
    answered = totals["hit"] + totals["miss"]
    return {
        **totals,
        "minutes": minutes,
        "hit_ratio": totals["hit"] / answered if answered else None,
        "writes_per_minute": totals["stored"] / minutes,
        "store_after": _setting("PUBLIC_CACHE_STORE_AFTER", 2),
    }


def _storable(request, response) -> bool:
    if response.streaming:  # kept as it streams, if at all (_public_stream)
        return False
    return _public(request, response) and len(response.content) <= _max_bytes()


def _max_bytes() -> int:
    return _setting("PUBLIC_CACHE_MAX_BYTES", 2 * 1024 * 1024)


def _public(request, response) -> bool:
    """Is this what any anonymous visitor gets? A 200 that sets no cookie, is not marked
    private and varies on nothing outside the key."""
    if response.status_code != 200 or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}
    if vary - KNOWN_VARY or "*" in vary:
        return False
    # Something later in the stack would set a cookie: a CSRF token was used on the page
    # (its cookie comes with the token), the session was written, a message was queued.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return messages is None or not getattr(messages, "_queued_messages", None)


def _entry(request, response, changed_at: float, *, content=None, etag=None) -> dict:
    headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
    # The page may carry the request's CSP nonce (htmx's script tag): keep the policy that
    # names it and the nonce itself, which each answer from the cache replaces with its own
    # (a LazyNonce is false until the page used it: then the page has none).
    nonce = getattr(request, "_csp_nonce", None)
    nonce = str(nonce) if nonce else None
    for header, attribute, name in (
        (CSP.HEADER_ENFORCE, "_csp_config", "SECURE_CSP"),
        (CSP.HEADER_REPORT_ONLY, "_csp_ro_config", "SECURE_CSP_REPORT_ONLY"),
    ):
        config = getattr(response, attribute, _UNSET)
        if config is _UNSET:
            config = getattr(settings, name, None)
        if config:
            headers[str(header)] = build_policy(config, nonce)
    content = response.content if content is None else content
    return {
        "content": content,
        "headers": headers,
        "nonce": nonce,
        "vary": response.get("Vary", ""),
        "etag": etag or _page_etag(content, nonce),
        "modified": int(changed_at),
    }


def _page_etag(content: bytes, nonce: str | None) -> str:
    """A page's validator: its bytes with its nonce blanked, so that the same page rendered
    again (a page is kept at its second request, not its first) has the same tag."""
    if nonce:
        content = content.replace(nonce.encode("ascii"), b"")
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


# --- downloads (streamed) -------------------------------------------------------------------


@functools.cache
def _code_mark() -> str:
    """The code that writes the answers, as a digest: a deploy that changes how a download is
    written changes its ETag, though the data did not change."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for package in ("claims", "sources", "rust_tracker"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _stream_etag(key: str) -> str:
    """A streamed answer's validator: its page key (which holds the data version) and the code.
    Weak: the same data, written by the same code, not compared byte by byte."""
    return f'W/"{hashlib.sha256((key + _code_mark()).encode()).hexdigest()[:32]}"'


def _lagging(changed_at: float) -> bool:
    """Just after a change, when a replica may not have replayed it yet."""
    return bool(_setting("DATABASE_REPLICA_URL", "")) and time.time() - changed_at < _setting(
        "REPLICA_LAG_SECONDS", 5
    )


def _read_publicly(chunks):
    """Each chunk of a streamed answer read as the view's own reads were (the replica): the
    rows are read as the body goes out, after the view has returned."""
    chunks = iter(chunks)
    while True:
        with public_reads():
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk


def _kept_when_whole(request, response, chunks, *, key: str, etag: str, changed_at: float):
    """The chunks as they go out; once the last one is sent, the whole body is kept in the
    cache if it is small enough (a body cut off, by an error or a client gone, never is)."""
    parts, size, limit = [], 0, _max_bytes()
    for chunk in chunks:
        if parts is not None:
            size += len(chunk)
            if size <= limit:
                parts.append(chunk)
            else:
                parts = None  # too big to keep: sent, not kept
        yield chunk
    if parts is not None:
        entry = _entry(request, response, changed_at, content=b"".join(parts), etag=etag)
        _cache().set(key, entry, _setting("PUBLIC_CACHE_SECONDS", 300))
        _counts.count("stored")


def _public_stream(request, response, *, key: str, changed_at: float, keep: bool):
    """A streamed answer for an anonymous visitor: public, with validators, kept if small and
    ``keep`` (asked often enough)."""
    chunks = _read_publicly(response.streaming_content)
    if not _public(request, response):
        response.streaming_content = chunks
        return response
    if _lagging(changed_at):
        response.streaming_content = chunks
        patch_cache_control(response, no_cache=True)
        return response
    etag = _stream_etag(key)
    response.streaming_content = (
        _kept_when_whole(request, response, chunks, key=key, etag=etag, changed_at=changed_at)
        if keep
        else chunks
    )
    response["X-Cache"] = "miss"
    _public_headers(response, etag=etag, modified=int(changed_at))
    return _without_policy_if_not_modified(
        get_conditional_response(
            request, etag=etag, last_modified=int(changed_at), response=response
        )
    )


def _not_modified_stream(request, key: str, changed_at: float):
    """A 304 for a download the visitor holds (its ETag names this key and code), without
    running the view; None otherwise."""
    if "If-None-Match" not in request.headers or _lagging(changed_at):
        return None
    etag = _stream_etag(key)
    held = parse_etags(request.headers["If-None-Match"])  # weak comparison, as Django's
    if etag.removeprefix("W/") not in {tag.removeprefix("W/") for tag in held}:
        return None
    response = HttpResponseNotModified()
    _public_headers(response, etag=etag, modified=int(changed_at))
    return _without_policy_if_not_modified(response)


def _public_headers(response, *, etag: str, modified: int) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    patch_vary_headers(response, ("HX-Request",))
    patch_cache_control(
        response,
        public=True,
        max_age=_setting("PUBLIC_CACHE_MAX_AGE", 60),
        s_maxage=_setting("PUBLIC_CACHE_S_MAXAGE", 60),
    )


def _fresh_nonce(request) -> str:
    """This request's CSP nonce (the middleware's, so anything else reading it agrees)."""
    nonce = getattr(request, "_csp_nonce", None)
    return str(nonce) if nonce is not None else generate_nonce()


def _from_entry(request, entry: dict) -> HttpResponse:
    content, headers = entry["content"], entry["headers"]
    old = entry.get("nonce")
    if old:  # a nonce of its own for this answer, in the page and its policy
        new = _fresh_nonce(request)
        content = content.replace(old.encode("ascii"), new.encode("ascii"))
        headers = {name: value.replace(old, new) for name, value in headers.items()}
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    if entry["vary"]:
        response["Vary"] = entry["vary"]
    response["X-Cache"] = "hit"
    _public_headers(response, etag=entry["etag"], modified=entry["modified"])
    return _without_policy_if_not_modified(
        get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["modified"], response=response
        )
    )


def _without_policy_if_not_modified(response):
    """A 304 keeps the browser's copy, whose policy names that copy's nonce: the CSP
    middleware must not send another (it adds none when the response's config is empty)."""
    if response.status_code == 304:
        response._csp_config = None
        response._csp_ro_config = None
    return response


def cache_public(view):
    """Serve ``view``'s anonymous answers from the cache until the public data changes."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if _bypass(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        version, changed_at = data_version()
        key, seen_key = _keys(request, version)
        cache = _cache()
        found = cache.get_many([key, seen_key])  # the page, or how often it was asked
        entry = found.get(key)
        if entry is not None:
            _counts.count("hit")
            return _from_entry(request, entry)
        not_modified = _not_modified_stream(request, key, changed_at)
        if not_modified is not None:
            _counts.count("hit")
            return not_modified
        with public_reads():
            response = view(request, *args, **kwargs)
            if getattr(response, "is_rendered", True) is False:
                response.render()  # a TemplateResponse: its queries run now, on the replica
        timeout = _setting("PUBLIC_CACHE_SECONDS", 300)
        if response.streaming:
            if _public(request, response) and not _lagging(changed_at):
                _counts.count("miss")
                keep = _keep_now(cache, seen_key, found.get(seen_key), timeout)
            else:
                keep = False
            return _public_stream(request, response, key=key, changed_at=changed_at, keep=keep)
        if not _storable(request, response):
            return response
        _counts.count("miss")
        entry = _entry(request, response, changed_at)
        if _lagging(changed_at):
            # Rendered from a replica just after a change it may not have replayed yet: keep
            # it only as long as a replica may lag.
            timeout = min(timeout, _setting("REPLICA_LAG_SECONDS", 5))
        if _keep_now(cache, seen_key, found.get(seen_key), timeout):
            cache.set(key, entry, timeout)
            _counts.count("stored")
        response["X-Cache"] = "miss"
        _public_headers(response, etag=entry["etag"], modified=entry["modified"])
        return _without_policy_if_not_modified(
            get_conditional_response(
                request, etag=entry["etag"], last_modified=entry["modified"], response=response
            )
        )

    wrapper.public_cache = True
    return wrapper


def cache_public_patterns(urlpatterns, *, exclude=()):
    """Wrap the view of every named pattern in ``urlpatterns`` not named in ``exclude``."""
    for pattern in urlpatterns:
        callback = getattr(pattern, "callback", None)
        if callback is None or pattern.name in exclude or getattr(callback, "public_cache", 0):
            continue
        pattern.callback = cache_public(callback)
    return urlpatterns
