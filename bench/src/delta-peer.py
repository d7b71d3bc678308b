"""The delta-rs peer for bench/src/delta.ts: reads the same table the same way, streaming.

Usage: python delta-peer.py <table-dir> scan|cdf <from-version> <to-version>
Prints one JSON object: rows, seconds, cpuSeconds, maxRssMb.
"""
import json
import os
import resource
import sys
import time

from deltalake import DeltaTable

# exit_without_teardown lives with the fixture scripts (scripts/fixtures/process_exit.py)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "fixtures"))
from process_exit import exit_without_teardown  # noqa: E402

table_dir, mode = sys.argv[1], sys.argv[2]
started = time.perf_counter()
cpu_started = time.process_time()
rows = 0
table = DeltaTable(table_dir)
if mode == "scan":
    for batch in table.to_pyarrow_dataset().to_batches(columns=["id", "text", "n"]):
        rows += batch.num_rows
else:
    reader = table.load_cdf(starting_version=int(sys.argv[3]), ending_version=int(sys.argv[4]))
    for batch in reader:
        rows += batch.num_rows
seconds = time.perf_counter() - started
cpu_seconds = time.process_time() - cpu_started
print(json.dumps({"rows": rows, "seconds": seconds, "cpuSeconds": cpu_seconds, "maxRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
exit_without_teardown()
