"""A page of a per-region table (the dashboard's scorecard, the ministry statistics): at
most ``PER_PAGE`` rows in the HTML whatever the number of regions (7,285 kecamatan for a
national office), with ``?halaman=`` links; the totals are still taken over every row by
the selectors. With a region chosen (``?district=``), only its row."""

from dataclasses import dataclass

PER_PAGE = 50
PAGE_PARAM = "halaman"


@dataclass(frozen=True)
class RowPage:
    rows: list
    number: int
    pages: int
    count: int  # rows in all pages
    first: int  # 1-based position of the first row shown (0 without rows)
    last: int
    previous_url: str | None
    next_url: str | None

    @property
    def paged(self) -> bool:
        return self.pages > 1


def _url(params, number: int) -> str:
    query = params.copy()
    query[PAGE_PARAM] = str(number)
    return f"?{query.urlencode()}"


def page_of_rows(rows: list, *, params, chosen=None, key: str = "district", per_page: int = PER_PAGE) -> RowPage:
    """The rows of page ``params[PAGE_PARAM]`` (1 when missing or invalid; past the end:
    the last page). ``chosen``: a region (an object with ``pk``) whose row alone is shown,
    found by ``row[key]``."""
    if chosen is not None:
        rows = [row for row in rows if getattr(row.get(key), "pk", None) == chosen.pk]
    count = len(rows)
    pages = max(1, -(-count // per_page))
    raw = str(params.get(PAGE_PARAM, "1"))
    number = min(max(int(raw), 1), pages) if raw.isdigit() and len(raw) < 7 else 1
    start = (number - 1) * per_page
    shown = rows[start : start + per_page]
    return RowPage(
        rows=shown,
        number=number,
        pages=pages,
        count=count,
        first=start + 1 if shown else 0,
        last=start + len(shown),
        previous_url=_url(params, number - 1) if number > 1 else None,
        next_url=_url(params, number + 1) if number < pages else None,
    )
