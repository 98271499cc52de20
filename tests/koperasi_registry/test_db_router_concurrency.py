"""The optimistic-concurrency tests (test_concurrency.py) again, with a read replica
configured (DATABASE_REPLICA_ALIAS = "replica", the test mirror): a save checked against
an older version is still refused, and no query of theirs goes to the replica (the tests may
use "default" only). They run inside the test's transaction, where the router keeps every
read on the primary as it does inside any transaction.atomic; the same conflict with real
replica reads of committed rows is test_db_router.py's
test_optimistic_concurrency_reads_the_primary_with_a_replica."""

import pytest

from tests.koperasi_registry.test_concurrency import (  # noqa: F401 (fixtures and tests collected here)
    test_a_made_up_version_is_a_conflict_without_a_field_list_never_a_500,
    test_a_rat_filing_refreshing_last_rat_year_meanwhile_is_not_written_back,
    test_a_save_without_changes_in_between_is_no_conflict,
    test_a_second_save_from_an_older_page_is_refused_and_keeps_what_was_typed,
    test_a_spreadsheet_import_between_loading_and_saving_is_a_conflict,
    test_an_admin_change_form_refuses_a_save_from_an_older_page,
    test_the_same_field_changed_by_both_keeps_this_users_input_and_says_so,
    users,
)

# Only "default" is open to these tests: a query routed to the replica would fail the test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("with_replica")]


@pytest.fixture
def with_replica(settings):
    settings.DATABASE_REPLICA_ALIAS = "replica"
