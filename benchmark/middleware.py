"""What a benchmark worker tells its load generator about each answer (benchmark.settings
puts this first in MIDDLEWARE, so it sees every other middleware's work):

- `Server-Timing: app;dur=<ms>`: the time from the first middleware to the last, i.e. the
  request inside Django, without the HTTP server and the network;
- `X-Bench-Queries`: the SQL statements the request ran, on every database alias.
"""

import time
from contextlib import ExitStack

from django.db import connections


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counted))
            response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        response["X-Bench-Queries"] = str(count)
        return response
