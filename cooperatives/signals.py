"""Signals the registry sends for other apps to follow."""

from django.dispatch import Signal

# Sent with ``cooperative_ids`` after cooperatives were moved to other villages in bulk
# (a spreadsheet import), where no ``post_save`` is sent.
cooperatives_moved = Signal()

# Sent with ``cooperative_ids``, ``user`` and ``reason`` after cooperatives' points
# (latitude, longitude) changed in bulk (a spreadsheet import): their visits' distances
# follow.
cooperatives_located = Signal()
