"""Test-only pause points for the crash-safety test (tests/test_crash_safety.py).

`pause_point(name)` does nothing unless the environment variable DA06_PAUSE_AT names this point
(e.g. DA06_PAUSE_AT=load.before_swap). Then the process writes `DA06_PAUSED <name> <pid>` on
stderr and sleeps, so that the test can kill it with SIGKILL at exactly that moment, from
outside, as a crash or an operator would. Nobody sets the variable in production; the points:

  load.file_staged   a file of a load's batch staged (its archive copy and pending record written)
  load.staged        the whole batch staged in the private copy, not yet committed
  load.before_swap   the private copy committed, marts refreshed, checkpointed; not yet swapped in
  load.swapped       the copy swapped in; the batch's archive records not yet committed
  load.done          the archive records committed; the lock not yet released
  build.reading      the first archived file read back by a build's worker processes (the workers alive)
  build.replayed     the archive replayed into the new file, not yet committed
  build.before_swap  the new file committed and checkpointed, not yet swapped in
  build.swapped      the new file swapped in; the lock not yet released
"""
from __future__ import annotations

import os
import sys
import time

ENV = "DA06_PAUSE_AT"


def pause_point(name: str) -> None:
    if os.environ.get(ENV) != name:
        return
    sys.stderr.write(f"DA06_PAUSED {name} {os.getpid()}\n")
    sys.stderr.flush()
    while True:
        time.sleep(60)
