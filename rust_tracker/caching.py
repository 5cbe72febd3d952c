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


def _page_key(request, version: int) -> str:
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        *(request.headers.get(header, "") for header in KEY_HEADERS),
    ]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return PAGE_KEY.format(version=version, digest=digest)


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
        "etag": etag or f'"{hashlib.sha256(content).hexdigest()[:32]}"',
        "modified": int(changed_at),
    }


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


def _public_stream(request, response, *, key: str, changed_at: float):
    """A streamed answer for an anonymous visitor: public, with validators, kept if small."""
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
        if _setting("PUBLIC_CACHE_SECONDS", 300) > 0
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
        key = _page_key(request, version)
        cache = _cache()
        entry = cache.get(key)
        if entry is not None:
            return _from_entry(request, entry)
        not_modified = _not_modified_stream(request, key, changed_at)
        if not_modified is not None:
            return not_modified
        with public_reads():
            response = view(request, *args, **kwargs)
            if getattr(response, "is_rendered", True) is False:
                response.render()  # a TemplateResponse: its queries run now, on the replica
        if response.streaming:
            return _public_stream(request, response, key=key, changed_at=changed_at)
        if not _storable(request, response):
            return response
        entry = _entry(request, response, changed_at)
        timeout = _setting("PUBLIC_CACHE_SECONDS", 300)
        if _lagging(changed_at):
            # Rendered from a replica just after a change it may not have replayed yet: keep
            # it only as long as a replica may lag.
            timeout = min(timeout, _setting("REPLICA_LAG_SECONDS", 5))
        cache.set(key, entry, timeout)
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
