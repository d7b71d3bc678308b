"""Generates the Delta benchmark table with delta-rs (the `deltalake` package).

Version 0: ROWS rows (id long, text ~1 KB, n int) with the Change Data Feed on.
Versions 1..VERSIONS: 1% churn each, cycling UPDATE (of an id range), DELETE (of an id
range) and APPEND (new ids), so every version touches about ROWS/100 rows.

Usage: python delta-generate.py <table-dir> <rows> <versions>
Idempotent: a table already at the wanted version is left alone.
"""
import os
import random
import sys
import time

import pyarrow as pa
from deltalake import DeltaTable, WriterProperties, write_deltalake

# exit_without_teardown lives with the fixture scripts (scripts/fixtures/process_exit.py)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "fixtures"))
from process_exit import exit_without_teardown  # noqa: E402


table_dir, rows, versions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
CHUNK = 100_000
TEXT_BYTES = 1000

try:
    existing = DeltaTable(table_dir)
    if existing.version() == versions:
        print(f"table ready at {table_dir} (version {versions})", file=sys.stderr)
        exit_without_teardown()
    raise SystemExit(f"{table_dir} holds a table at version {existing.version()}, not {versions}; delete it and run again")
except SystemExit:
    raise
except Exception:
    pass

random.seed(42)
vocabulary = ["".join(random.choices("abcdefghijklmnopqrstuvwxyz", k=random.randint(2, 10))) for _ in range(20_000)]
corpus = " ".join(random.choices(vocabulary, k=3_000_000))
schema = pa.schema([("id", pa.int64()), ("text", pa.string()), ("n", pa.int32())])


def texts(count: int) -> list[str]:
    limit = len(corpus) - TEXT_BYTES
    return [corpus[o : o + TEXT_BYTES] for o in (random.randrange(limit) for _ in range(count))]


def batches(start: int, count: int):
    for offset in range(start, start + count, CHUNK):
        size = min(CHUNK, start + count - offset)
        yield pa.record_batch(
            [pa.array(range(offset, offset + size), pa.int64()), pa.array(texts(size), pa.string()), pa.array([0] * size, pa.int32())],
            schema=schema,
        )


started = time.time()
write_deltalake(
    table_dir,
    pa.RecordBatchReader.from_batches(schema, batches(0, rows)),
    mode="overwrite",
    configuration={"delta.enableChangeDataFeed": "true"},
    writer_properties=WriterProperties(compression="SNAPPY"),
)
print(f"version 0: {rows} rows in {time.time() - started:.1f}s", file=sys.stderr)

churn = max(1, rows // 100)
next_id = rows
table = DeltaTable(table_dir)
for version in range(1, versions + 1):
    step = time.time()
    low = (version * 7919 * churn) % max(1, rows - churn)
    kind = ("update", "delete", "append")[(version - 1) % 3]
    if kind == "update":
        table.update(predicate=f"id >= {low} AND id < {low + churn}", updates={"text": "concat('updated ', text)", "n": f"n + {version}"})
    elif kind == "delete":
        table.delete(predicate=f"id >= {low} AND id < {low + churn}")
    else:
        write_deltalake(table, pa.RecordBatchReader.from_batches(schema, batches(next_id, churn)), mode="append")
        next_id += churn
    table = DeltaTable(table_dir)
    print(f"version {table.version()}: {kind} {churn} rows in {time.time() - step:.1f}s", file=sys.stderr)
print(f"done in {time.time() - started:.1f}s", file=sys.stderr)
exit_without_teardown()
