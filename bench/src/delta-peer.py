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
sys.stdout.flush()
# skip interpreter teardown: delta-rs's runtime threads sometimes abort it ("terminate called
# without an active exception", SIGABRT) after the result is out, which failed the whole bench
os._exit(0)
