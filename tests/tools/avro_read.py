#!/usr/bin/env python3
"""Read Avro object container files with Debian's python3-avro, an Avro implementation
independent of the destination's writer, and print one line of JSON per file:
{"file": F, "meta": {key: text}, "records": [...]} or {"file": F, "error": text}.
Bytes values print as {"bytes": base64}, values with a date logical type as {"days": N} and
timestamps as {"micros": N} (days and microseconds since the epoch); the header's avro.schema is printed as its text, so a
test can check the attributes the writer kept verbatim.

  /usr/bin/python3 tests/tools/avro_read.py FILE...
"""
import base64
import datetime
import json
import sys
import warnings

import avro.datafile
import avro.io


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def plain(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return {"micros": (value - EPOCH) // datetime.timedelta(microseconds=1)}
    if isinstance(value, datetime.date):
        return {"days": (value - EPOCH.date()).days}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, float) and value != value:
        return "NaN"
    return value


def main():
    # Iceberg's int-keyed maps carry logicalType "map", which python3-avro warns it ignores.
    warnings.simplefilter("ignore")
    for path in sys.argv[1:]:
        try:
            with open(path, "rb") as f:
                reader = avro.datafile.DataFileReader(f, avro.io.DatumReader())
                meta = {k: v.decode("utf-8", "replace") for k, v in reader.meta.items()}
                records = [plain(r) for r in reader]
                reader.close()
            print(json.dumps({"file": path, "meta": meta, "records": records}))
        except Exception as e:  # the test reports it
            print(json.dumps({"file": path, "error": f"{type(e).__name__}: {e}"}))


if __name__ == "__main__":
    main()
