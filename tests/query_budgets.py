"""The most SQL queries each page may run, whatever its row count. One place, so that a
change shows in review. Tests assert them with ``django_assert_max_num_queries`` at two
sizes (e.g. 3 and 30 rows) with the same number."""

QUERY_BUDGETS: dict[str, int] = {
    # session + user + roles are 3 of each page's queries.
    # + regency, regions (2), kecamatan options (+1 when one is chosen), scorecard (9 + roles;
    # +1 on a past year: complete year-end rows), health, per assistant, target, permissions (2).
    # SQLite reads the chosen kecamatan's options once more at the end of the page (+1).
    # + the data's version (figures kept per version: dashboard/selectors/cache.py), on
    # every dashboard page below too; a page whose figures are kept runs fewer.
    "dashboard": 23,
    # A Pendamping's home page (H2, assistants.today): session + user + roles (3), regency,
    # due cooperatives, open follow-ups, follow-up counts, assignments counted, target, month's visits.
    "dashboard_pendamping": 10,
    # Registry (H1): list = count + page + kecamatan/village/kelompok options (+1 each when
    # that filter is set: its value is looked up); detail = the
    # cooperative, filings, attachments, two history tables, village/kelompok names, health.
    "cooperative_list": 14, "rat_overdue": 12, "cooperative_detail": 13, "rat_compliance": 5,
    # Edit forms: + the record's version (its latest history id, koperasi_registry.concurrency).
    "cooperative_form": 10, "ratfiling_form": 10,
    # Spreadsheet import: its pages; a whole import (check + save, 30 or 300 rows): ~8
    # fixed queries, plus on SQLite one INSERT/UPDATE per 999 parameters (~30 rows).
    "cooperative_import": 4, "import_job": 4, "import_cooperatives_save": 40, "import_rat_save": 40,
    # Background jobs: an export job's page (and its htmx fragment) = session + user + the job.
    "export_job": 4,
    # Health assessments: list = count + page + category/instrument/kecamatan options + the
    # add-button permission (2); detail = assessment, aspect rows, history, permissions (2);
    # entry = options, instrument, aspects, thresholds; a POST adds FK and uniqueness checks.
    "assessment_list": 10, "assessment_detail": 8, "assessment_add": 8, "assessment_add_post": 13,
    "assessment_preview": 11, "assessment_aspects": 6,
    # Assistants (H5), measured 3 and 30 rows alike: lists = count + page + prefetches +
    # filter choices; the visit form = cooperative/topic/programme/owner/follow-up choices.
    # The assistant's page: its assignments a table of 25 a page (count + page); a programme's
    # page: its participants the same way; its edit form: no participant read (it only adds).
    "assistants:assistant_list": 5, "assistants:assistant_detail": 8, "assistants:my_cooperatives": 5,
    "assistants:visit_list": 13, "assistants:visit_detail": 10, "assistants:visit_add": 10,
    # Berita acara (H3): the visit, its topics, officers, attachments, new and closed
    # follow-ups (5 prefetches), the Kabid who signs.
    "assistants:visit_print": 10,
    "assistants:visit_edit": 15, "assistants:followup_list": 10, "assistants:target_list": 8,
    "assistants:target_progress": 7, "assistants:programme_list": 8, "assistants:programme_detail": 6,
    "assistants:programme_edit": 5,
    "assistants:proposal_list": 10, "assistants:proposal_detail": 5, "assistants:monthly_report": 11,
    # Drill-down lists (H2): count + page + kecamatan options (+1 when one is chosen);
    # the coverage list also prefetches the year's assignments with their assistants.
    # The village list: +1 on a past year (which year-end rows are complete).
    "village_list": 8, "assistants:coverage_list": 8,
    "dashboard_statistics": 9,  # + kecamatan options, kecamatan rows, regency, grouped counts and sums (their sum is the total), complete year-end rows (a past year)
    "dashboard_map": 10,  # + located counts, village coverage counts, kecamatan options (+1 when chosen); a past year: +1 for each of the two village counts (complete year-end rows)
    "dashboard_map_data": 7,  # + the points (or the villages) in one query (+1 for a chosen kecamatan; +1 on a past year: complete year-end rows)
    "dashboard_trends": 11,  # + kecamatan options (+1 when chosen), complete year-end rows, status and RAT (one UNION of 5 years), health, labels, visits
    "dashboard_effect": 8,  # + kecamatan options (+1 when chosen), complete year-end rows, the cohort grouped by group and outcomes
    # Offline data JSON (H1, issue 15): session + user + roles, cooperatives, open follow-ups.
    "assistants:offline_data": 5,
}
