#!/usr/bin/env python3
"""Reads Parquet files with pyarrow (not dorascope's writer, polars) and prints, per file, the
schema as pyarrow sees it and the rows as JSON values: timestamps as RFC 3339 with Z."""

import json
import sys
from datetime import datetime

import pyarrow.parquet as pq


def value(v):
    if isinstance(v, datetime):
        if v.utcoffset() is None or v.utcoffset().total_seconds() != 0:
            raise SystemExit(f"timestamp {v!r} is not UTC")
        return v.strftime("%Y-%m-%dT%H:%M:%SZ")
    return v


out = {}
for path in sys.argv[1:]:
    table = pq.read_table(path)
    out[path] = {
        "schema": {f.name: str(f.type) for f in table.schema},
        "rows": [{k: value(v) for k, v in row.items()} for row in table.to_pylist()],
    }
print(json.dumps(out))
