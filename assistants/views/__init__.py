"""The coaching pages, one module per concern: ``people`` (assistants, "Koperasi saya"),
``visits``, ``followups``, ``planning`` (targets, programmes, financing proposals) and
``reports`` (monthly report, coverage). Each view checks access (``permission_required``),
calls one selector or service, renders."""
