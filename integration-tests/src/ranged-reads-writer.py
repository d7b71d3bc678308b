"""Writes the ranged-reads test tables straight into a bucket with delta-rs (`deltalake`).

wide: 3000 rows (id, body ~1 KB, attachment ~3 KB that no reader asks for) in three files
(versions 0-2) of row groups of 500, Change Data Feed on, then an UPDATE of 100 bodies
(version 3, with a cdc file).
many: 300 files (one per partition) and a checkpoint of version 0 large enough to be read
by ranges.

Usage: python ranged-reads-writer.py <s3://bucket/prefix> <storage options as JSON>
"""
import json
import os
import random
import sys

import pyarrow as pa
from deltalake import DeltaTable, WriterProperties, write_deltalake

# exit_without_teardown lives with the fixture scripts (scripts/fixtures/process_exit.py)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "fixtures"))
from process_exit import exit_without_teardown  # noqa: E402

prefix, options = sys.argv[1], json.loads(sys.argv[2])
random.seed(7)
letters = "abcdefghijklmnopqrstuvwxyz "


def text(size: int) -> str:
    return "".join(random.choices(letters, k=size))


rows = 3000
wide = pa.table(
    {
        "id": pa.array(range(rows), pa.int64()),
        "body": pa.array([text(1000) for _ in range(rows)]),
        "attachment": pa.array([text(3000) for _ in range(rows)]),
    }
)
for part in range(3):
    write_deltalake(
        f"{prefix}/wide",
        wide.slice(part * 1000, 1000),
        mode="append",
        configuration={"delta.enableChangeDataFeed": "true"},
        writer_properties=WriterProperties(max_row_group_size=500, compression="SNAPPY"),
        storage_options=options,
    )
DeltaTable(f"{prefix}/wide", storage_options=options).update(
    predicate="id < 100", updates={"body": "concat(body, ' (edited)')"}
)

count = 1200
many = pa.table(
    {
        "id": pa.array(range(count), pa.int64()),
        "body": pa.array([text(40) for _ in range(count)]),
        "shard": pa.array([index % 300 for index in range(count)], pa.int32()),
    }
)
write_deltalake(f"{prefix}/many", many, partition_by=["shard"], storage_options=options)
DeltaTable(f"{prefix}/many", storage_options=options).create_checkpoint()
exit_without_teardown()
