"""Writes the recovery benchmark table with delta-rs (the `deltalake` package), CDF on.

Usage: python recover-generate.py <table-dir> <rows> <changed-every>
Row i holds "row i: <~200 bytes of words>"; with changed-every N > 0, every N-th row's
text gets " (changed)" appended, so a table written again with N=100 differs in 1% of rows.
The directory is replaced: a new table, with a new table id, at the same place.
"""
import os
import random
import shutil
import sys

import pyarrow as pa
from deltalake import write_deltalake

# exit_without_teardown lives with the fixture scripts (scripts/fixtures/process_exit.py)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "fixtures"))
from process_exit import exit_without_teardown  # noqa: E402

table_dir, rows, every = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(42)
vocabulary = ["".join(random.choices("abcdefghijklmnopqrstuvwxyz", k=random.randint(2, 9))) for _ in range(5_000)]
shutil.rmtree(table_dir, ignore_errors=True)
schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("text", pa.string())])
ids = list(range(rows))
texts = []
for i in ids:
    text = f"row {i}: " + " ".join(random.choices(vocabulary, k=35))
    if every > 0 and i % every == 0:
        text += " (changed)"
    texts.append(text)
table = pa.table({"id": ids, "text": texts}, schema=schema)
write_deltalake(table_dir, table, mode="overwrite", configuration={"delta.enableChangeDataFeed": "true"})
print(f"wrote {rows} rows to {table_dir}", file=sys.stderr)
exit_without_teardown()
