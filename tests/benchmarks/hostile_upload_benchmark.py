"""Peak memory of one visit-form request carrying ten photos (issue 13, part 2), each post
in a fresh child process; its peak RSS (``VmHWM``) before and after the request.

    DATABASE_URL=sqlite:///var/bench_upload.sqlite3 .venv/bin/python -m tests.benchmarks.hostile_upload_benchmark

    # the same requests against another checkout (e.g. the code before ImageCheck):
    git archive <commit> | tar -x -C /tmp/old-tree
    .venv/bin/python -m tests.benchmarks.hostile_upload_benchmark --tree /tmp/old-tree

Cases (each: ten files in one POST to ``assistants:visit_add`` as a Pendamping):

- ``hostile``: 1-bit PNGs of 13,000 x 13,000 pixels (about 20 KB each, 169 MP: the
  issue's 0.7 GB -> 3.3 GB);
- ``truncated``: 12 MP JPEGs cut in half;
- ``at-cap``: RGBA PNGs just under ``UPLOAD_MAX_PIXELS`` (the largest accepted non-JPEG);
- ``phone``: ordinary 12 MP JPEGs (accepted and reduced).

The multipart body is written to disk and read by the handler as a real server would
(``wsgi.input``). The parent makes a throw-away test database (``setup_databases``) with
a Pendamping assigned to one cooperative; the children use it through ``DATABASE_URL``.
"""

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koperasi_registry.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from PIL import Image  # noqa: E402

BASE_DIR = Path(settings.BASE_DIR)
BOUNDARY = "BenchBoundaryHostileUpload0gW"
FILES = 10
USERNAME = "bench-pendamping"


def proc_kb() -> dict:
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, value = line.split(":")
                values[name] = int(value.split()[0])
    return values


def mb(kb) -> str:
    return f"{kb / 1024:.0f}"


# --- the files -------------------------------------------------------------------------------


def png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def phone_jpeg() -> bytes:
    """A 4000 x 3000 (12 MP) photo-like JPEG: a gradient with some noise."""
    base = Image.radial_gradient("L").resize((4000, 3000)).convert("RGB")
    noise = Image.effect_noise((4000, 3000), 30).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(base, noise, 0.3).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def case_files(case: str, max_pixels: int) -> list[tuple[str, str, bytes]]:
    if case == "hostile":
        data = png(Image.new("1", (13_000, 13_000)))
        return [(f"bom-{n}.png", "image/png", data) for n in range(FILES)]
    if case == "truncated":
        data = phone_jpeg()
        return [(f"rusak-{n}.jpg", "image/jpeg", data[: len(data) // 2]) for n in range(FILES)]
    if case == "at-cap":
        width = 8000
        data = png(Image.new("RGBA", (width, max_pixels // width), (30, 120, 60, 200)))
        return [(f"besar-{n}.png", "image/png", data) for n in range(FILES)]
    if case == "phone":
        data = phone_jpeg()
        return [(f"foto-{n}.jpg", "image/jpeg", data) for n in range(FILES)]
    raise ValueError(case)


def multipart_body(out: Path, fields: dict, files) -> int:
    with open(out, "wb") as body:
        for name, value in fields.items():
            body.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for filename, content_type, data in files:
            body.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="{filename}"\r\n'
                       f"Content-Type: {content_type}\r\n\r\n".encode())
            body.write(data)
            body.write(b"\r\n")
        body.write(f"--{BOUNDARY}--\r\n".encode())
    return out.stat().st_size


# --- the child: one request ------------------------------------------------------------------


def child(body_path: str, cooperative: int, submission_id: str):
    """Log in, open the form once (imports and templates warm), then post the body."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from assistants.models import CoachingVisit

    setup_test_environment()  # response.context, to read the form's errors
    url = reverse("assistants:visit_add")
    client = Client()
    client.force_login(get_user_model().objects.get(username=USERNAME))
    assert client.get(url).status_code == 200
    before = proc_kb()
    start = time.perf_counter()
    length = os.path.getsize(body_path)
    with open(body_path, "rb") as stream:
        try:
            response = client.request(
                REQUEST_METHOD="POST", PATH_INFO=url, CONTENT_LENGTH=str(length),
                CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}", **{"wsgi.input": stream},
            )
            status = response.status_code
            form = response.context["form"] if response.context and "form" in response.context else None
            errors = form.errors.get("photos", []) if form else []
        except Exception as exc:  # what would have been a 500
            status, errors = 500, [f"{type(exc).__name__}: {exc}"]
    seconds = time.perf_counter() - start
    after = proc_kb()
    saved = CoachingVisit.objects.filter(submission_id=submission_id).exists()
    print(json.dumps({
        "status": status, "saved": saved, "errors": len(errors), "first_error": errors[0] if errors else "",
        "before_rss": before["VmRSS"], "before_hwm": before["VmHWM"], "after_hwm": after["VmHWM"],
        "seconds": seconds, "cooperative": cooperative,
    }))


# --- the parent --------------------------------------------------------------------------------


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def seed():
    import datetime

    from cooperatives.region_loader import load_regions
    from tests.assistants.factories import AssignmentFactory, BusinessAssistantFactory
    from tests.factories import CooperativeFactory, UserFactory

    load_regions([settings.OFFICE_REGENCY_CODE])
    user = UserFactory(role="Pendamping", username=USERNAME)
    cooperative = CooperativeFactory(name="Koperasi Uji Unggah")
    assistant = BusinessAssistantFactory(user=user)
    AssignmentFactory(assistant=assistant, cooperative=cooperative, start_date=datetime.date(2025, 1, 1))
    return cooperative


def run(cases, tree: Path, workdir: Path, cooperative):
    print(f"code: {tree}; {connection.vendor} test database; UPLOAD_MAX_PIXELS "
          f"{getattr(settings, 'UPLOAD_MAX_PIXELS', '-')}; UPLOAD_MAX_BYTES {settings.UPLOAD_MAX_BYTES}")
    print(f"{'case':10} {'body MB':>8} {'status':>6} {'saved':>6} {'errors':>6} {'post s':>7} "
          f"{'RSS before':>11} {'peak before':>12} {'peak after':>11} {'growth MB':>10}")
    results = {}
    for case in cases:
        submission_id = str(uuid.uuid4())
        fields = {
            "submission_id": submission_id, "cooperative": cooperative.pk, "visit_date": "2026-03-20",
            "kind": "pembinaan", "people_met": "Ketua", "findings": "Uji unggah", "recommendations": "-",
            "tl-TOTAL_FORMS": "0", "tl-INITIAL_FORMS": "0", "tl-MIN_NUM_FORMS": "0", "tl-MAX_NUM_FORMS": "10",
        }
        body = workdir / f"{case}.body"
        size = multipart_body(body, fields, case_files(case, int(getattr(settings, "UPLOAD_MAX_PIXELS", 52_000_000)) - 1))
        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "koperasi_registry.settings.test", "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(workdir / "media"), "OFFICE_REGENCY_CODE": settings.OFFICE_REGENCY_CODE,
            "PYTHONPATH": str(tree),
        }
        output = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", str(body), str(cooperative.pk), submission_id],
            cwd=tree, env=env, capture_output=True, text=True, check=False,
        )
        body.unlink()
        if output.returncode:
            print(output.stdout[-2000:], output.stderr[-4000:])
            raise SystemExit(f"child failed for {case}")
        r = json.loads(output.stdout.strip().splitlines()[-1])
        results[case] = r
        print(f"{case:10} {size / 2**20:>8.1f} {r['status']:>6} {str(r['saved']):>6} {r['errors']:>6} "
              f"{r['seconds']:>7.2f} {mb(r['before_rss']):>11} {mb(r['before_hwm']):>12} {mb(r['after_hwm']):>11} "
              f"{mb(r['after_hwm'] - r['before_hwm']):>10}")
        if r["first_error"]:
            print(f"{'':10} first error: {r['first_error'][:150]}")
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", default=str(BASE_DIR), help="checkout whose code the children run")
    parser.add_argument("--cases", default="hostile,truncated,at-cap,phone")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(*options.child)
        return
    workdir = Path(tempfile.mkdtemp(prefix="upload-bench-"))
    old = setup_databases(verbosity=0, interactive=False)
    try:
        run(options.cases.split(","), Path(options.tree).resolve(), workdir, seed())
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
