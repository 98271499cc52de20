"""One generator run: its random stream, date, batch size, output and step timings."""

import datetime
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Run:
    rng: random.Random
    today: datetime.date
    batch: int
    stdout: TextIO
    timings: list[tuple[str, float]] = field(default_factory=list)

    def progress(self, label, done, total):
        """A line every 20 batches on long runs, so a ten-minute load shows it is alive."""
        if total >= 20 * self.batch and (done == total or done % (20 * self.batch) == 0):
            self.stdout.write(f"  ... {label}: {done:,} / {total:,}".replace(",", "."))
            self.stdout.flush()

    @contextmanager
    def step(self, label):
        started = time.perf_counter()
        yield
        self.timings.append((label, time.perf_counter() - started))
