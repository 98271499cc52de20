"""Developer tooling, kept apart from the domain code: demo data (``demo``, run by
``manage.py seed_demo``), national-scale synthetic data (``scale``, run by
``manage.py generate_scale_data``) and page timings (``benchmark``, run by
``manage.py benchmark``). The management commands are thin wrappers around these.

Dependencies point one way: devtools imports the apps (``cooperatives``, ``assistants``,
``koperasi_registry``); the apps never import devtools (``tests/test_layers.py``).
"""
