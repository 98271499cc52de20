"""A mixed load against a running server: ``run()`` and ``report()``, used by
``manage.py loadtest`` (README, "Benchmarks").

N clients, each a thread with its own sign-in (its own session cookie), request a weighted
mix of pages from a server URL (gunicorn with the production settings in ``make
bench-load``) for a number of seconds, one request after another without pause, as a
browser would: ``Accept-Encoding: gzip``, the cookies the server set, and
``X-Forwarded-Proto: https`` with an https ``Referer`` as a TLS-terminating proxy would
pass them (production settings trust that header: no redirect to https, CSRF checks the
Referer). Reported: requests per second, errors (an HTTP status >= 400, a redirect where
a page was expected, a timeout or a broken connection), and per page the count, the median
and 95th percentile of the wall time and the mean (compressed) size.

Pages are URL names resolved once before the clients start, against the database the
command's settings name, which must be the server's: a ``*_detail`` page takes a different
row the user may see on each request (up to 200 of them).
"""

from __future__ import annotations

import http.client
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.test import Client

from . import benchmark

# The mix: (URL name with an optional query, weight). The detail page is what an office
# opens most; lists and the dashboard next; the visit form is the assistants' page.
DEFAULT_MIX = [
    ("cooperatives:cooperative_detail", 5),
    ("cooperatives:cooperative_list", 3),
    ("cooperatives:cooperative_list?status=aktif&district={district}", 1),
    ("dashboard", 2),
    ("assistants:visit_list", 1),
    ("assistants:followup_list", 1),
    ("assistants:visit_add", 1),
    ("cooperatives:assessment_list", 1),
]
DETAIL_ROWS = 200
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Page:
    label: str
    paths: list[str]
    weight: int


@dataclass
class Sample:
    label: str
    ms: float
    ok: bool
    size: int
    error: str = ""


@dataclass
class Tally:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def parse_mix(specs: list[str]) -> list[tuple[str, int]]:
    """``["dashboard=2", "cooperatives:cooperative_detail"]`` -> [(spec, weight)]; weight 1 if left out."""
    mix = []
    for spec in specs:
        name, sep, weight = spec.rpartition("=")
        if sep and weight.isdigit() and "?" not in weight:
            mix.append((name, int(weight)))
        else:
            mix.append((spec, 1))
    return mix


def resolve_pages(mix: list[tuple[str, int]], user) -> tuple[list[Page], list[dict]]:
    """Each spec as a page with the paths to request; specs that cannot be formed are skipped."""
    pages, skipped = [], []
    patterns = dict(benchmark._walk(benchmark.get_resolver().url_patterns))
    for spec, weight in mix:
        name, _, query = spec.partition("?")
        target = benchmark.resolve_target(name, query, user, patterns)
        if target.path is None:
            skipped.append({"label": target.label, "note": target.note})
            continue
        paths, label = [target.path], target.label
        pattern = patterns.get(name)
        if pattern is not None and "pk" in pattern.pattern.regex.groupindex:
            paths, label = _detail_paths(name, pattern, user, target.path) or paths, spec
        pages.append(Page(label=label, paths=paths, weight=weight))
    return pages, skipped


def _detail_paths(name, pattern, user, first_path) -> list[str]:
    """Up to DETAIL_ROWS detail paths of rows the user may see (the benchmark's pk in the first)."""
    from django.urls import reverse

    objects = benchmark._detail_queryset(name, pattern, user)
    if objects is None:
        return []
    pks = list(objects.order_by("pk").values_list("pk", flat=True)[:DETAIL_ROWS])
    return [first_path] + [reverse(name, kwargs={"pk": pk}) for pk in pks]


def session_cookie(user) -> dict[str, str]:
    """A new session for ``user`` in the database, as Django's test client makes one."""
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


class LoadClient:
    """One browser: a keep-alive connection (reopened when the server closes it) and cookies."""

    def __init__(self, base_url: str, timeout: float):
        parts = urlsplit(base_url)
        self.host = parts.netloc
        self.scheme = parts.scheme
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.connection = None

    def _connect(self):
        kind = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return kind(self.host, timeout=self.timeout)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """(status, headers, body) of one request; a dropped keep-alive connection is retried once."""
        headers = {
            "Host": self.host,
            "Accept-Encoding": "gzip",
            "Accept": "text/html,application/xhtml+xml",
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{self.host}{self.prefix}{path}",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = self._connect()
            try:
                self.connection.request(method, self.prefix + path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.close()
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.headers, data
        raise AssertionError("unreachable")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def sign_in(self, username: str, password: str, login_path: str) -> None:
        """Through the login form, as a person would; raises if the server does not sign in."""
        status, _headers, body = self.request("GET", login_path, headers={"Accept-Encoding": "identity"})
        token = CSRF_INPUT.search(body)
        if status != 200 or token is None:
            raise RuntimeError(f"login page answered {status}")
        form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()})
        status, headers, _body = self.request(
            "POST", login_path, form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or settings.SESSION_COOKIE_NAME not in self.cookies:
            raise RuntimeError(f"sign-in as {username} failed: {status} {headers.get('Location', '')}")


def _client_loop(client: LoadClient, pages: list[Page], deadline: float, seed: int, tally: Tally) -> None:
    chooser = random.Random(seed)
    weights = [page.weight for page in pages]
    while time.monotonic() < deadline:
        page = chooser.choices(pages, weights)[0]
        path = chooser.choice(page.paths)
        started = time.perf_counter()
        try:
            status, _headers, body = client.request("GET", path)
            ms = (time.perf_counter() - started) * 1000
            ok = 200 <= status < 300
            tally.add(Sample(page.label, ms, ok, len(body), "" if ok else f"HTTP {status}"))
        except (OSError, http.client.HTTPException) as exc:  # timeouts, refused, broken
            ms = (time.perf_counter() - started) * 1000
            tally.add(Sample(page.label, ms, False, 0, type(exc).__name__))
            client.close()
    client.close()


CHANGE_KINDS = ("cooperative", "visit")


def _change_loop(user, every: float, deadline: float, changes: list, kind: str = "cooperative") -> None:
    """Every ``every`` seconds, commit a change as an office's colleagues would while the
    load runs, leaving the data as it was: ``cooperative``, one cooperative ``user`` sees
    has its phone number written back as it is (a real UPDATE); ``visit``, one visit is
    saved again as the visit form saves it (its summaries rewritten, a history row added).
    The dashboards' kept figures that read those tables are computed again after each."""
    from django.db import connection
    from django.db.models import F

    from assistants.models import CoachingVisit
    from cooperatives.models import Cooperative

    model = CoachingVisit if kind == "visit" else Cooperative
    try:
        ids = list(model.objects.visible_to(user).order_by("pk").values_list("pk", flat=True)[:DETAIL_ROWS])
        while ids and time.monotonic() + every < deadline:
            time.sleep(every)
            pk = ids[len(changes) % len(ids)]
            if kind == "visit":
                CoachingVisit.objects.get(pk=pk).save()
            else:
                Cooperative.objects.filter(pk=pk).update(phone=F("phone"))
            changes.append(time.monotonic())
    finally:
        connection.close()


def run(*, base_url: str, user, clients: int, duration: float, mix: list[tuple[str, int]] | None = None,
        password: str | None = None, timeout: float = 60.0, seed: int = 16, change_every: float | None = None,
        change_kind: str = "cooperative") -> dict:
    """Load ``base_url`` with ``clients`` signed-in clients for ``duration`` seconds. With
    ``password`` each client signs in through the login form; without, each gets a session
    made in the database for ``user``. With ``change_every``, a change of ``change_kind``
    is committed every that many seconds meanwhile (``_change_loop``)."""
    from django.urls import reverse

    pages, skipped = resolve_pages(mix or DEFAULT_MIX, user)
    if not pages:
        raise RuntimeError("no page of the mix can be requested")
    workers = []
    for number in range(clients):
        client = LoadClient(base_url, timeout)
        if password is None:
            client.cookies.update(session_cookie(user))
        else:
            client.sign_in(user.get_username(), password, reverse("login"))
        workers.append(client)
    tally = Tally()
    started = time.monotonic()
    deadline = started + duration
    threads = [
        threading.Thread(target=_client_loop, args=(client, pages, deadline, seed + n, tally), daemon=True)
        for n, client in enumerate(workers)
    ]
    changes: list[float] = []
    if change_every:
        threads.append(threading.Thread(
            target=_change_loop, args=(user, change_every, deadline, changes, change_kind), daemon=True
        ))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + timeout + 5)
    elapsed = time.monotonic() - started
    return summarise(tally.samples, pages, elapsed, skipped, context={
        "base_url": base_url, "user": user.get_username(), "clients": clients, "duration_s": duration,
        "changes": len(changes), "change_kind": change_kind if change_every else "",
    })


def summarise(samples: list[Sample], pages: list[Page], elapsed: float, skipped: list[dict], context: dict) -> dict:
    rows = []
    for page in pages:
        mine = [s for s in samples if s.label == page.label]
        times = [s.ms for s in mine]
        rows.append({
            "label": page.label,
            "weight": page.weight,
            "requests": len(mine),
            "errors": sum(not s.ok for s in mine),
            "p50_ms": round(statistics.median(times), 1) if times else None,
            "p95_ms": round(benchmark.percentile(times, 0.95), 1) if times else None,
            "mean_kb": round(statistics.fmean(s.size for s in mine) / 1024, 1) if mine else None,
            "error_kinds": sorted({s.error for s in mine if s.error}),
        })
    times = [s.ms for s in samples]
    return {
        "context": {**context, "elapsed_s": round(elapsed, 2)},
        "requests": len(samples),
        "errors": sum(not s.ok for s in samples),
        "requests_per_s": round(len(samples) / elapsed, 2) if elapsed else 0.0,
        "p50_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(benchmark.percentile(times, 0.95), 1) if times else None,
        "pages": rows,
        "skipped": skipped,
    }


def report(payload: dict) -> list[str]:
    """``run()``'s payload as the text table ``manage.py loadtest`` prints."""
    context = payload["context"]
    lines = [
        f"{context['base_url']}: {context['clients']} klien x {context['duration_s']:g} detik sebagai "
        f"{context['user']}; {payload['requests']} permintaan dalam {context['elapsed_s']:g} detik = "
        f"{payload['requests_per_s']:.2f}/detik, {payload['errors']} galat; "
        f"p50 {payload['p50_ms']} ms, p95 {payload['p95_ms']} ms."
        + (f" {context['changes']} perubahan data ({context['change_kind']}) selama beban." if context.get("changes") else ""),
    ]
    header = f"{'halaman':<58} {'bobot':>5} {'n':>6} {'galat':>6} {'p50':>8} {'p95':>8} {'KB':>7}"
    lines += [header, "-" * len(header)]
    for row in payload["pages"]:
        def number(value):
            return "-" if value is None else f"{value:.1f}"

        lines.append(
            f"{row['label'][:58]:<58} {row['weight']:>5} {row['requests']:>6} {row['errors']:>6} "
            f"{number(row['p50_ms']):>8} {number(row['p95_ms']):>8} {number(row['mean_kb']):>7}"
            + (f"  ({', '.join(row['error_kinds'])})" if row["error_kinds"] else "")
        )
    for item in payload["skipped"]:
        lines.append(f"{item['label'][:58]:<58} dilewati: {item['note']}")
    return lines
