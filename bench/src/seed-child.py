"""The seed peer of the first embed for bench/src/all.ts: Python drift-spark 0.4.0 (PyPI) as
its README runs it, PySpark local mode reading the Delta table and its `embed()` in shadow
mode into PostgreSQL; then the HNSW index, which the seed does not build, the plain way
(same m = 16, ef_construction = 64 defaults), so the end state is the same as Drift's.
Prints one JSON line: seconds, loadSeconds, indexSeconds, rows, rssMb (this process and
the JVM it started, as their peaks).

  python seed-child.py <delta-table> <database-url> <table> <ledger-path>
"""
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from drift.embed import embed
from drift.ledger import Ledger
from pyspark.sql import SparkSession

table, database_url, name, ledger_path = sys.argv[1:5]
root = Path(__file__).resolve().parents[2]
jars = subprocess.run(
    ["bash", str(root / "scripts/services/spark.sh"), "jars"],
    capture_output=True, text=True, check=True,
).stdout.split()[-1]

started = time.monotonic()
spark = (
    SparkSession.builder.master("local[*]")
    .appName("drift-seed-bench")
    .config("spark.ui.showConsoleProgress", "false")
    .config("spark.jars", jars)
    .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
    .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
df = spark.read.format("delta").option("versionAsOf", 0).load(table)
sink = database_url.replace("postgres://", "pg://", 1) + f"?table={name}"
run = embed(
    df=df,
    text_col="text",
    model="openai/text-embedding-3-small",
    sink=sink,
    shadow_mode=True,
    ledger=Ledger(Path(ledger_path)),
)
spark.stop()
load_seconds = time.monotonic() - started
with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
    cur.execute(f"create index on {name} using hnsw (embedding vector_cosine_ops)")
seconds = time.monotonic() - started
peak = max(
    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
)
print(json.dumps({
    "seconds": seconds,
    "loadSeconds": load_seconds,
    "indexSeconds": seconds - load_seconds,
    "rows": run.n_rows_processed,
    "rssMb": peak / 1024,
}))
