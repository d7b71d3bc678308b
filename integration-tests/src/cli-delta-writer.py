"""A real Delta writer (delta-rs, the `deltalake` package) driven by JSON lines on stdin,
for the CLI end-to-end tests. Each request is one commit; the reply is the new version.

  {"op": "create", "path": P, "rows": [{"id", "body", "category", "n"}]}   (CDF on;
      P may be an object-store URI, with "storage_options" for deltalake)
  {"op": "open", "path": P}                                                 (an existing table, e.g. WordNet's)
  {"op": "append", "rows": [...]}                                           (add files only)
  {"op": "set_category", "ids": [...], "category": C}                       (UPDATE, text unchanged)
  {"op": "delete", "ids": [...]}                                            (DELETE)
  {"op": "merge", "upserts": [rows], "deletes": [ids]}                      (MERGE: insert/update/delete)
  {"op": "noop_update", "ids": [...]}                                       (UPDATE SET body = body: no cdc files)
  {"op": "set_ids", "moves": [[old, new], ...]}                              (UPDATE SET id = CASE …: rows change key)
  {"op": "set_body", "ids": [...], "body": B}                               (UPDATE of the text)
  {"op": "overwrite", "rows": [...]}                                        (mode="overwrite": every row rewritten)
  {"op": "overwrite_where", "ids": [...], "rows": [...]}                    (mode="overwrite", predicate="id IN ids")
  {"op": "append_new_column", "rows": [...], "column": C, "values": [...]}
                                                                            (append adding a string column C: schema_mode="merge")
  {"op": "overwrite_string_ids", "rows": [...]}                             (overwrite with schema_mode="overwrite": id becomes a string column)
  {"op": "create_typed", "path": P}                                         (struct/list/binary/map/long columns)
  {"op": "checkpoint"}                                                      (a checkpoint at the latest version)
  {"op": "set_cdf", "enabled": bool}                                        (ALTER TABLE: Change Data Feed on/off)
  {"op": "snapshot"}  -> {"rows": [...]}                                    (read back, for sanity)
"""

import json
import sys

import pyarrow as pa
import pyarrow.compute  # noqa: F401 (pa.compute)
from deltalake import DeltaTable, write_deltalake

schema = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("body", pa.string()),
        pa.field("category", pa.string()),
        pa.field("n", pa.int64()),
    ]
)
merge_schema = pa.schema(list(schema) + [pa.field("op", pa.string())])
path = None
storage_options = None
# Once a commit has added a column, writes of the four base columns merge into the wider schema.
evolved = False


def table(rows, with_op=False):
    return pa.Table.from_pylist(rows, schema=merge_schema if with_op else schema)


def write(rows, **options):
    merge = {"schema_mode": "merge"} if evolved else {}
    write_deltalake(path, table(rows), storage_options=storage_options, **options, **merge)


def id_list(ids):
    return ", ".join(str(int(i)) for i in ids)


def handle(request):
    global path, storage_options, evolved
    op = request["op"]
    if op == "create":
        path = request["path"]
        storage_options = request.get("storage_options")
        evolved = False
        cdf = "true" if request.get("changeDataFeed", True) else "false"
        write_deltalake(path, table(request["rows"]), mode="overwrite", configuration={"delta.enableChangeDataFeed": cdf}, storage_options=storage_options)
    elif op == "open":
        path = request["path"]
        storage_options = request.get("storage_options")
        evolved = False
    elif op == "append":
        write(request["rows"], mode="append")
    elif op == "set_category":
        category = request["category"].replace("'", "''")
        DeltaTable(path, storage_options=storage_options).update(predicate=f"id IN ({id_list(request['ids'])})", updates={"category": f"'{category}'"})
    elif op == "delete":
        DeltaTable(path, storage_options=storage_options).delete(f"id IN ({id_list(request['ids'])})")
    elif op == "merge":
        rows = [dict(row, op="upsert") for row in request["upserts"]]
        rows += [{"id": i, "body": None, "category": None, "n": None, "op": "delete"} for i in request["deletes"]]
        (
            DeltaTable(path, storage_options=storage_options)
            .merge(source=table(rows, with_op=True), predicate="t.id = s.id", source_alias="s", target_alias="t")
            .when_matched_delete(predicate="s.op = 'delete'")
            .when_matched_update(updates={"body": "s.body", "category": "s.category", "n": "s.n"}, predicate="s.op = 'upsert'")
            .when_not_matched_insert(updates={"id": "s.id", "body": "s.body", "category": "s.category", "n": "s.n"}, predicate="s.op = 'upsert'")
            .execute()
        )
    elif op == "set_ids":
        # UPDATE of the key column: each [old, new] pair moves a row to another key (pairs may swap keys)
        cases = " ".join(f"WHEN {int(old)} THEN {int(new)}" for old, new in request["moves"])
        olds = [old for old, _ in request["moves"]]
        DeltaTable(path, storage_options=storage_options).update(predicate=f"id IN ({id_list(olds)})", updates={"id": f"CASE id {cases} END"})
    elif op == "noop_update":
        DeltaTable(path, storage_options=storage_options).update(predicate=f"id IN ({id_list(request['ids'])})", updates={"body": "body"})
    elif op == "set_body":
        body = request["body"].replace("'", "''")
        DeltaTable(path, storage_options=storage_options).update(predicate=f"id IN ({id_list(request['ids'])})", updates={"body": f"'{body}'"})
    elif op == "overwrite":
        write(request["rows"], mode="overwrite")
    elif op == "overwrite_where":
        predicate = f"id IN ({id_list(request['ids'])})"
        write(request["rows"], mode="overwrite", predicate=predicate)
    elif op == "append_new_column":
        rows = table(request["rows"]).append_column(pa.field(request["column"], pa.string()), pa.array(request["values"], pa.string()))
        write_deltalake(path, rows, mode="append", schema_mode="merge", storage_options=storage_options)
        evolved = True
    elif op == "overwrite_string_ids":
        rows = table(request["rows"])
        rows = rows.set_column(0, pa.field("id", pa.string(), nullable=False), pa.compute.cast(rows.column("id"), pa.string()))
        write_deltalake(path, rows, mode="overwrite", schema_mode="overwrite", storage_options=storage_options)
    elif op == "create_typed":
        path = request["path"]
        typed = pa.table(
            {
                "id": pa.array([1, 2], pa.int64()),
                "body": pa.array(["hello", "world"], pa.string()),
                "meta": pa.array([{"a": "x", "b": 1}, {"a": "y", "b": 2}], pa.struct([("a", pa.string()), ("b", pa.int64())])),
                "tags": pa.array([["red", "blue"], ["green"]], pa.list_(pa.string())),
                "raw": pa.array([b"hello", b"world"], pa.binary()),
                "attrs": pa.array([[("k", "v")], [("k", "w")]], pa.map_(pa.string(), pa.string())),
                "n": pa.array([10, 20], pa.int64()),
            }
        )
        write_deltalake(path, typed, mode="overwrite", configuration={"delta.enableChangeDataFeed": "true"})
    elif op == "set_cdf":
        value = "true" if request["enabled"] else "false"
        DeltaTable(path, storage_options=storage_options).alter.set_table_properties({"delta.enableChangeDataFeed": value})
    elif op == "checkpoint":
        DeltaTable(path, storage_options=storage_options).create_checkpoint()
    elif op == "snapshot":
        # the base columns only: columns added later are not in the test's model
        rows = pa.table(DeltaTable(path, storage_options=storage_options).to_pyarrow_table(columns=schema.names if evolved else None)).to_pylist() if hasattr(DeltaTable, "to_pyarrow_table") else []
        return {"version": DeltaTable(path, storage_options=storage_options).version(), "rows": rows}
    else:
        raise ValueError(f"unknown op {op}")
    return {"version": DeltaTable(path, storage_options=storage_options).version()}


for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    try:
        reply = handle(json.loads(line))
    except Exception as error:  # reported to the test, which fails with it
        reply = {"error": f"{type(error).__name__}: {error}"}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
