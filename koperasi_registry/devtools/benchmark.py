"""Page timings through the whole Django stack, in process: ``run()`` and ``report()``, used
by ``manage.py benchmark``.

Each page is requested with ``django.test.Client`` as a signed-in user (middleware,
view, selectors, template: everything but the network and the WSGI server), against the
CURRENT database. Per page: the median and 95th percentile of the wall time, the number
of SQL queries and their time (``CaptureQueriesContext``), the status code and the
response size. A first, unmeasured request warms caches and compiles templates.

The default page set is discovered from the URLconf, so that pages added later are
measured without editing this file: the dashboard, every page without URL arguments
that is not a form or an action (lists, reports), every ``*_detail`` page (its pk is
taken from the view's model, through ``visible_to(user)`` when the model has it), and a
filtered and a searched cooperative list. Names that do not exist yet are reported as
skipped.
"""

import math
import re
import statistics
import time
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Count
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from cooperatives.models import Cooperative, RatFiling, Village
from koperasi_registry import access, data_version

# Pages first in the report, with the query strings the benchmark adds to them.
FEATURED = [
    ("dashboard", ""),
    ("cooperatives:cooperative_list", ""),
    ("cooperatives:cooperative_list", "status=aktif&district={district}"),
    ("cooperatives:cooperative_list", "q=maju&sort=name"),
    ("cooperatives:cooperative_detail", ""),
    ("cooperatives:assessment_list", ""),
    ("assistants:visit_list", ""),
    ("assistants:followup_list", ""),
]
# URL names that are forms, actions, downloads or fragments, not pages to time.
NOT_PAGES = re.compile(
    r"(_add|_edit|_delete|_close|_confirm|_import|_preview|_template|_aspects|_attachment)$|^attachment$"
)
SKIP_NAMESPACES = {"admin"}
SKIP_NAMES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
}
ROLE_NAMES = {role.lower(): role for role in access.ROLES}


@dataclass
class Target:
    label: str
    path: str | None
    note: str = ""


@dataclass
class Result:
    label: str
    path: str
    status: int
    count: int
    median_ms: float
    p95_ms: float
    queries: int
    queries_max: int
    sql_ms: float
    bytes: int
    # The warm-up: the first request, which computes what later ones reuse (the dashboards'
    # figures kept per version of the data): what a page costs after any change.
    first_ms: float = 0.0
    samples: list[float] = field(default_factory=list, repr=False)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0.95 for p95)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def benchmark_user(role: str):
    """A user with ``role``: ``bench-<role>`` if it exists, else the first active one of the
    group, else a new ``bench-<role>`` (a Pendamping created here sees no cooperatives)."""
    group_name = ROLE_NAMES[role.lower()]
    User = get_user_model()
    user = User.objects.filter(username=f"bench-{role.lower()}", is_active=True).first()
    if user is None:
        user = User.objects.filter(groups__name=group_name, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create(
            username=f"bench-{role.lower()}", first_name=group_name, last_name="Uji Beban"
        )
        user.groups.add(Group.objects.get(name=group_name))
    return user


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _detail_queryset(name: str, pattern: URLPattern, user):
    """What the detail view would look the pk up in: its own ``get_queryset()`` (set up with
    a request by ``user``), else the model named like the URL (``cooperative_detail`` ->
    ``cooperatives.Cooperative``) narrowed by ``visible_to(user)``."""
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is not None and hasattr(view_class, "get_queryset"):
        request = RequestFactory().get("/")
        request.user = user
        view = view_class()
        view.setup(request)
        try:
            return view.get_queryset()
        except Exception:  # noqa: BLE001 (a view that needs more than a request: fall back)
            pass
    namespace, _, short = name.rpartition(":")
    try:
        model = apps.get_model(namespace or "cooperatives", short.removesuffix("_detail"))
    except (LookupError, ValueError):
        return None
    objects = model._default_manager.all()
    return objects.visible_to(user) if hasattr(objects, "visible_to") else objects


def _pk_for(name: str, pattern: URLPattern, user):
    """A pk the user may open (None if there is none or the model cannot be told)."""
    objects = _detail_queryset(name, pattern, user)
    if objects is None:
        return None
    if any(f.name == "last_rat_year" for f in objects.model._meta.fields):
        # A cooperative with filings is the fuller page.
        fuller = (
            objects.filter(last_rat_year__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if fuller is not None:
            return fuller
    return objects.order_by("pk").values_list("pk", flat=True).first()


def default_targets(user) -> list[Target]:
    patterns = dict(_walk(get_resolver().url_patterns))
    names = []
    for name, pattern in patterns.items():
        namespace, _, short = name.rpartition(":")
        if namespace in SKIP_NAMESPACES or short in SKIP_NAMES or NOT_PAGES.search(short):
            continue
        arguments = set(pattern.pattern.regex.groupindex)
        if not arguments or (arguments == {"pk"} and short.endswith("_detail")):
            names.append(name)
    featured = [(name, query) for name, query in FEATURED]
    rest = [(name, "") for name in sorted(names) if name not in {n for n, _ in FEATURED}]
    return [resolve_target(name, query, user, patterns) for name, query in featured + rest]


def resolve_target(spec: str, query: str, user, patterns=None) -> Target:
    """``spec`` is a path (``/koperasi/?q=x``) or a URL name, optionally with ``?query``."""
    if spec.startswith("/"):
        return Target(spec, spec)
    if "?" in spec and not query:
        spec, query = spec.split("?", 1)
    patterns = patterns if patterns is not None else dict(_walk(get_resolver().url_patterns))
    label = f"{spec}?{query}" if query else spec
    pattern = patterns.get(spec)
    if pattern is None:
        return Target(label, None, "belum ada (nama URL tidak dikenal)")
    kwargs = {}
    if "pk" in pattern.pattern.regex.groupindex:
        pk = _pk_for(spec, pattern, user)
        if pk is None:
            return Target(label, None, "tidak ada baris yang boleh dilihat pengguna ini")
        kwargs["pk"] = pk
    try:
        path = reverse(spec, kwargs=kwargs)
    except NoReverseMatch as exc:
        return Target(label, None, f"tidak bisa dibentuk: {exc}")
    if "{district}" in query:
        district = _district_for(user)
        if district is None:
            return Target(label, None, "tidak ada kecamatan")
        query = query.replace("{district}", str(district))
        label = f"{spec}?{query}"
    if kwargs:
        label = f"{label} (pk={kwargs['pk']})"
    return Target(label, f"{path}?{query}" if query else path)


def _district_for(user):
    """The kecamatan with the most cooperatives the user may see (one GROUP BY)."""
    row = (
        Cooperative.objects.visible_to(user)
        .order_by()
        .values("village__district")
        .annotate(n=Count("id"))
        .order_by("-n", "village__district")
        .first()
    )
    return row["village__district"] if row else None


def measure(client: Client, target: Target, repeat: int, *, budget_s: float = 60.0, changed=()) -> Result:
    """Time ``repeat`` requests after one warm-up; a page that has used up ``budget_s``
    seconds stops early (at least one measured request), so a slow page cannot stall a run."""
    samples, counts, sql = [], [], []
    status, size, first = 0, 0, 0.0
    spent = 0.0
    for run in range(repeat + 1):
        if run > 1 and spent > budget_s:
            break
        if changed:  # as if those tables had just changed: what a view costs after a change
            data_version.bump(changed)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(target.path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = (time.perf_counter() - started) * 1000
        status, size = response.status_code, len(body)
        spent += elapsed / 1000
        if run == 0:
            first = elapsed
            continue  # warm-up
        samples.append(elapsed)
        counts.append(len(captured.captured_queries))
        sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    return Result(
        label=target.label,
        path=target.path,
        status=status,
        count=len(samples),
        median_ms=round(statistics.median(samples), 1),
        p95_ms=round(percentile(samples, 0.95), 1),
        queries=min(counts),
        queries_max=max(counts),
        sql_ms=round(statistics.median(sql), 1),
        bytes=size,
        first_ms=round(first, 1),
        samples=[round(s, 2) for s in samples],
    )


def data_summary(user) -> dict:
    return {
        "database": connection.vendor,
        "villages": Village.objects.count(),
        "cooperatives": Cooperative.objects.count(),
        "rat_filings": RatFiling.objects.count(),
        "visible_to_user": Cooperative.objects.visible_to(user).count(),
    }


def as_dict(result: Result, *, with_samples: bool = False) -> dict:
    data = asdict(result)
    if not with_samples:
        data.pop("samples")
    return data


def run(*, role: str, urls: list[str], repeat: int, budget_s: float, debug: bool, samples: bool,
        changed=()) -> dict:
    """Measure ``urls`` (URL names or paths; the discovered pages when empty) as a user of
    ``role``: the report's context, one result per page and the pages skipped."""
    user = benchmark_user(role)
    if urls:
        targets = [resolve_target(spec, "", user) for spec in urls]
    else:
        targets = default_targets(user)
    client = Client()
    client.force_login(user)
    results, skipped = [], []
    for target in targets:
        if target.path is None:
            skipped.append({"label": target.label, "note": target.note})
            continue
        results.append(measure(client, target, repeat, budget_s=budget_s, changed=changed))
    context = {
        **data_summary(user),
        "user": user.get_username(),
        "role": ROLE_NAMES[role],
        "office_regency_code": access.office_scope(user).code,  # the user's scope (default: OFFICE_REGENCY_CODE)
        "office_scope": access.office_scope(user).label,
        "debug": settings.DEBUG and debug,
        "repeat": repeat,
        "changed": list(changed),
    }
    return {
        "context": context,
        "results": [as_dict(r, with_samples=samples) for r in results],
        "skipped": skipped,
    }


def report(payload: dict) -> list[str]:
    """``run()``'s payload as the text table ``manage.py benchmark`` prints."""
    context = payload["context"]
    lines = [
        f"{context['database']}: {context['cooperatives']:,} koperasi, {context['rat_filings']:,} laporan RAT, "
        f"{context['villages']:,} desa/kelurahan; pengguna {context['user']} ({context['role']}) melihat "
        f"{context['visible_to_user']:,} koperasi; kode kabupaten dinas '{context['office_regency_code']}'; "
        f"{context['repeat']} pengukuran per halaman"
        + (f", masing-masing setelah perubahan {', '.join(context['changed'])}." if context.get("changed") else ".")
    ]
    header = (
        f"{'halaman':<62} {'status':>6} {'n':>3} {'median':>8} {'p95':>8} {'query':>6} {'SQL ms':>8} {'KB':>7}"
        f" {'pertama':>8}"
    )
    lines += [header, "-" * len(header)]
    for r in payload["results"]:
        queries = (
            f"{r['queries']}" if r["queries"] == r["queries_max"] else f"{r['queries']}-{r['queries_max']}"
        )
        lines.append(
            f"{r['label'][:62]:<62} {r['status']:>6} {r['count']:>3} {r['median_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{queries:>6} {r['sql_ms']:>8.1f} {r['bytes'] / 1024:>7.1f} {r.get('first_ms', 0):>8.1f}"
        )
    for item in payload["skipped"]:
        lines.append(f"{item['label'][:62]:<62} dilewati: {item['note']}")
    return lines
