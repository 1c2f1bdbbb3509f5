#!/usr/bin/env python3
"""Grows the benchmark's seeded activities by copies, straight in the embedded database's SQLite file.

`make bench` inserts a base of realistic activities per account through the driver (about 1,000 a second here once
the collection holds a million: FerretDB encodes each document and SQLite updates seven expression indexes), then,
with the stack stopped, runs this to reach the asked size: copy k of a document gets a new _id (its first four
bytes, the ObjectId's timestamp, replaced by k) and its time moved k spans later, so copies fall in later periods
rather than beside their original (which would flatter gzip and the sort). SQLite keeps every index up to date as
it inserts, one transaction per copy (so the write-ahead log is folded back after each, not grown to the whole
seed). The stack must be stopped: FerretDB must not write to the file meanwhile. An interrupted run leaves a partial
seed, which the benchmark does not reuse (it writes its marker only after seeding).

Usage: copy-activities.py SQLITE_FILE RECORDS_PER_ACCOUNT SPAN_MS ACCOUNT_ID...
"""

import sqlite3
import sys
import time


def main() -> None:
    path, records, span_ms, accounts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA cache_size = -1000000")  # 1 GiB of page cache: the indexes' random inserts stay in memory
    (table,) = db.execute(
        "SELECT table_name FROM _ferretdb_collections WHERE name = 'contactactivities'"
    ).fetchone()
    started = time.time()
    (last_base_row,) = db.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()
    for account in accounts:
        # The same expression as FerretDB's index on accountId, so SQLite finds the account's rows by the index.
        key = '"' + account + '"'
        (base,) = db.execute(
            f'SELECT count(*) FROM "{table}" WHERE _ferretdb_sjson->"accountId" = ?', (key,)
        ).fetchone()
        if base == 0:
            raise SystemExit(f"no activities of {account} to copy")
        have, copy = base, 0
        while have < records:
            copy += 1
            take = min(base, records - have)
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                f"""INSERT INTO "{table}" (_ferretdb_sjson)
                    SELECT json_set(_ferretdb_sjson,
                                    '$._id', printf('%08x', ?) || substr(_ferretdb_sjson->>'_id', 9),
                                    '$.time', (_ferretdb_sjson->>'time') + ? * ?)
                    FROM "{table}"
                    WHERE _ferretdb_sjson->"accountId" = ? AND rowid <= ?
                    LIMIT ?""",
                (copy, copy, span_ms, key, last_base_row, take),
            )
            db.execute("COMMIT")
            have += take
        print(f"{account}: {base} activities copied to {have} ({time.time() - started:.0f} s)", flush=True)
    db.close()


if __name__ == "__main__":
    main()
