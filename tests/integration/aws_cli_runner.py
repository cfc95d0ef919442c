"""aws-cli, the real one (awscli.clidriver, what the `aws` script runs),
kept in one Python process for a test's many calls: each aws-cli start costs
about 0.4 s of Python, a call here about 0.1 s.

Reads one JSON list of arguments a line (what follows `aws` on a command
line) and answers each with one JSON line {"rc", "out", "err"}. The
environment (credentials, region, a HOME of its own) is the caller's.

One change to the client, for speed only: the pause between a waiter's polls
(botocore.waiter's time.sleep, 15 s for the cache cluster waiters) is cut to
50 ms; the polling and the acceptors are botocore's own.
"""
import contextlib
import io
import json
import sys
import time
import types

import botocore.waiter
from awscli.clidriver import create_clidriver

botocore.waiter.time = types.SimpleNamespace(sleep=lambda s: time.sleep(min(s, 0.05)),
                                             time=time.time)

for line in sys.stdin:
    args = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = create_clidriver().main(args)
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 255
    print(json.dumps({"rc": rc, "out": out.getvalue(), "err": err.getvalue()}), flush=True)
