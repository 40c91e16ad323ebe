"""The locust user of `bench/pages_bench.py`: each simulated visitor asks, over and over and
without pause, for the one path named by `PAGES_BENCH_PATH`, on a keep-alive connection and
without a session (the public's view, in the default language). An answer other than 200 counts
as a failure."""

from __future__ import annotations

import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("PAGES_BENCH_PATH", "/api/v1/health")


class Visitor(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self) -> None:
        self.client.get(PATH, name=PATH)
