"""The most SQL queries each page may run, whatever its row count. One place, so that a
change shows in review. Tests assert them with ``django_assert_max_num_queries`` at two
sizes (e.g. 3 and 30 rows) with the same number."""

QUERY_BUDGETS: dict[str, int] = {
    # session + user + roles are 3 of each page's queries.
    "dashboard": 6,
}
