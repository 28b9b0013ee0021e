"""A stand-in for the scheduled-task runner (seed 002, 6.2 "tasks execute within 1 second of schedule"): an
interval schedule (every TICK_MS, default 100) runs for TICKS ticks (default 20) while each task does a little
work, and the probe records how late each run started, and any tick missed or run twice. Writes perf-action's
custom JSON to the file named by the first argument."""

import json
import os
import sys
import threading
import time

TICK = int(os.environ.get("TICK_MS", "100")) / 1000
TICKS = int(os.environ.get("TICKS", "20"))


def main(out):
    runs = {}
    lock = threading.Lock()

    def task(tick, due):
        late = time.monotonic() - due
        with lock:
            runs.setdefault(tick, []).append(late)
        sum(i * i for i in range(20_000))  # the task's own work

    start = time.monotonic()
    workers = []
    for tick in range(TICKS):
        due = start + tick * TICK
        time.sleep(max(0.0, due - time.monotonic()))
        w = threading.Thread(target=task, args=(tick, due))
        w.start()
        workers.append(w)
    for w in workers:
        w.join()
    drift = [late for lates in runs.values() for late in lates]
    metrics = [
        {"name": "drift_max", "unit": "ms", "value": max(drift) * 1000},
        {"name": "missed", "unit": "%", "value": 100 * (TICKS - len(runs)) / TICKS},
        {"name": "duplicates", "unit": "%", "value": 100 * sum(len(v) - 1 for v in runs.values()) / TICKS},
    ]
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as f:
        json.dump(metrics, f)


if __name__ == "__main__":
    main(sys.argv[1])
