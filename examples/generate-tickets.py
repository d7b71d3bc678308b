"""Writes examples/tickets: a small Delta table of support tickets, with a real Delta
writer (delta-rs, the `deltalake` Python package), Change Data Feed on, and a history
that exercises everything `drift watch` must get right:

  v0  create: 16 tickets; two pairs of identical texts under different keys; one null body
  v1  insert 4 tickets (one repeats an existing text word for word)
  v2  update: 2 bodies rewritten (text), 3 tickets closed (status only, text unchanged)
  v3  delete 2 tickets
  v4  insert 2, rewrite 1 body, set 1 body to null, delete 1

Run from the repository root:  $(bash scripts/python-env.sh) examples/generate-tickets.py [PATH]
"""

import os
import shutil
import sys
from datetime import datetime, timedelta, timezone

import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

path = sys.argv[1] if len(sys.argv) > 1 else "examples/tickets"
shutil.rmtree(path, ignore_errors=True)

schema = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("customer", pa.string()),
        pa.field("subject", pa.string()),
        pa.field("body", pa.string()),
        pa.field("status", pa.string()),
        pa.field("priority", pa.string()),
        pa.field("updated_at", pa.timestamp("us", tz="UTC")),
    ]
)

start = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
RESET = "I forgot my password and the reset email never arrives. How do I get back into my account?"
DOUBLE = "I was charged twice for my November subscription. Please refund the duplicate charge."


def rows(items, hours):
    at = start + timedelta(hours=hours)
    return pa.Table.from_pylist(
        [
            {
                "id": item[0],
                "customer": item[1],
                "subject": item[2],
                "body": item[3],
                "status": item[4],
                "priority": item[5],
                "updated_at": at,
            }
            for item in items
        ],
        schema=schema,
    )


v0 = [
    (1, "acme", "Password reset", RESET, "open", "high"),
    (2, "globex", "Double charge", DOUBLE, "open", "high"),
    (3, "initech", "Export to CSV", "The CSV export of the reports page cuts off after 10,000 rows. Is there a limit?", "open", "normal"),
    (4, "umbrella", "Dark mode", "Feature request: a dark mode for the dashboard, it is hard on the eyes at night.", "open", "low"),
    (5, "hooli", "SSO login loop", "After enabling Okta SSO our users are stuck in a login redirect loop.", "open", "urgent"),
    (6, "acme", "Invoice address", "The invoice for Q3 shows our old billing address. Can you correct it and resend?", "open", "normal"),
    (7, "stark", "Password reset", RESET, "open", "high"),
    (8, "wayne", "API rate limit", "We keep getting HTTP 429 from the API at only 20 requests per second.", "open", "high"),
    (9, "globex", "Slow dashboard", "The analytics dashboard takes over a minute to load since yesterday's release.", "open", "high"),
    (10, "initech", "Cancel plan", "Please cancel our plan at the end of the billing period and confirm by email.", "open", "normal"),
    (11, "umbrella", "Webhook retries", "Webhooks that fail are never retried. Is there a way to replay them?", "open", "normal"),
    (12, "hooli", None, None, "open", "low"),
    (13, "wayne", "Double charge", DOUBLE, "open", "high"),
    (14, "stark", "Mobile app crash", "The iOS app crashes when I open a ticket with an attachment larger than 5 MB.", "open", "high"),
    (15, "acme", "Add teammate", "How do I invite a teammate to our workspace without giving them admin rights?", "open", "low"),
    (16, "globex", "Data retention", "How long do you keep deleted tickets, and can we ask for them to be erased (GDPR)?", "open", "normal"),
]
write_deltalake(
    path,
    rows(v0, 0),
    mode="overwrite",
    configuration={"delta.enableChangeDataFeed": "true"},
    name="tickets",
    description="Support tickets: the Drift quickstart table",
)

# v1: inserts, one repeating ticket 2's text word for word
write_deltalake(
    path,
    rows(
        [
            (17, "initech", "Double charge", DOUBLE, "open", "high"),
            (18, "umbrella", "Two-factor codes", "Two-factor codes sent by SMS arrive ten minutes late, so they have expired.", "open", "high"),
            (19, "hooli", "Bulk delete", "Is there a way to delete hundreds of closed tickets at once?", "open", "low"),
            (20, "wayne", "Audit log", "We need an audit log of who changed what in the workspace settings.", "open", "normal"),
        ],
        1,
    ),
    mode="append",
)

table = DeltaTable(path)
at = (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
# v2: two bodies rewritten in one commit; three tickets closed in another commit would be v3,
# so do both through one MERGE to keep v2 a single "update" version.
updates = pa.Table.from_pylist(
    [
        {"id": 3, "body": "The CSV export of the reports page cuts off after 10,000 rows. We need all 42,000 rows for our audit.", "status": "open"},
        {"id": 9, "body": "The analytics dashboard takes over a minute to load, and now it times out completely.", "status": "open"},
        {"id": 4, "body": None, "status": "closed"},
        {"id": 10, "body": None, "status": "closed"},
        {"id": 15, "body": None, "status": "closed"},
    ],
    schema=pa.schema([pa.field("id", pa.int64()), pa.field("body", pa.string()), pa.field("status", pa.string())]),
)
(
    table.merge(source=updates, predicate="t.id = s.id", source_alias="s", target_alias="t")
    .when_matched_update(
        updates={
            "body": "CASE WHEN s.body IS NULL THEN t.body ELSE s.body END",
            "status": "s.status",
            "updated_at": f"CAST('{at}' AS TIMESTAMP)",
        }
    )
    .execute()
)

# v3: deletes
DeltaTable(path).delete("id IN (6, 11)")

# v4: a mixed commit through MERGE: 2 inserts, 1 body rewritten, 1 body set to null, 1 delete
at = (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M:%SZ")
change = pa.Table.from_pylist(
    [
        {"id": 21, "customer": "acme", "subject": "Refund status", "body": "I asked for a refund of a duplicate charge a week ago. Any update?", "op": "upsert"},
        {"id": 22, "customer": "stark", "subject": "Password reset", "body": RESET, "op": "upsert"},
        {"id": 5, "customer": "hooli", "subject": "SSO login loop", "body": "Okta SSO: the redirect loop only happens in Safari; Chrome works.", "op": "upsert"},
        {"id": 16, "customer": "globex", "subject": "Data retention", "body": None, "op": "upsert"},
        {"id": 8, "customer": "wayne", "subject": None, "body": None, "op": "delete"},
    ],
    schema=pa.schema(
        [
            pa.field("id", pa.int64()),
            pa.field("customer", pa.string()),
            pa.field("subject", pa.string()),
            pa.field("body", pa.string()),
            pa.field("op", pa.string()),
        ]
    ),
)
(
    DeltaTable(path)
    .merge(source=change, predicate="t.id = s.id", source_alias="s", target_alias="t")
    .when_matched_delete(predicate="s.op = 'delete'")
    .when_matched_update(updates={"body": "s.body", "updated_at": f"CAST('{at}' AS TIMESTAMP)"}, predicate="s.op = 'upsert'")
    .when_not_matched_insert(
        updates={
            "id": "s.id",
            "customer": "s.customer",
            "subject": "s.subject",
            "body": "s.body",
            "status": "'open'",
            "priority": "'normal'",
            "updated_at": f"CAST('{at}' AS TIMESTAMP)",
        }
    )
    .execute()
)

final = DeltaTable(path)
print(f"wrote {path}: version {final.version()}, {final.to_pyarrow_table().num_rows} rows", file=sys.stderr)

# delta-rs's runtime threads sometimes abort Python's own teardown after the work is done
# ("terminate called without an active exception", SIGABRT): end without it.
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
