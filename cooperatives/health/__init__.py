"""Health assessments (penilaian kesehatan, domain brief section 6).

A sub-package of the ``cooperatives`` app, not an app of its own: the models in
``health.models`` keep ``app_label = "cooperatives"`` and their existing tables
(``cooperatives_healthassessment`` etc.), so moving the code here needed no data or schema
migration. ``cooperatives.models`` re-exports them, which is how Django finds them.

* ``models``: instruments (versioned weights and thresholds) and stored assessments;
* ``rules``: the pure scoring (no database);
* ``selectors`` (reads) and ``services`` (``assessment_create``);
* ``forms``, ``filtersets``, ``tables``, ``views``: the pages, routed from
  ``cooperatives/urls.py`` under the unchanged names ``cooperatives:assessment_*``;
* ``admin``: registered by importing it from ``cooperatives/admin.py``.
"""
