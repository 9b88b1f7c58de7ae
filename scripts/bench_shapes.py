"""Deterministic Airbyte inputs of several shapes for scripts/bench_compare.py.

Each shape has a column list, from which both the stream's JSON schema (for the destination's
catalog) and DuckDB's explicit column types are derived, and a generator that writes RECORD
messages (with a STATE every 10,000 records) as fast as Python allows: per record, only a few
pre-built fragments are joined. Inputs are cached under build/bench-inputs, keyed by shape,
size and GENERATOR_VERSION (bump it whenever a generator changes).
"""
import json
import os

GENERATOR_VERSION = 1
STATE_EVERY = 10_000
EMITTED_AT = 1700000000000

# Column types: "int", "double", "bool", "string", "ts" (date-time), ("array", T),
# ("struct", [(name, T), ...]).


def json_schema(t):
    if t == "int":
        return {"type": "integer"}
    if t == "double":
        return {"type": "number"}
    if t == "bool":
        return {"type": "boolean"}
    if t == "string":
        return {"type": "string"}
    if t == "ts":
        return {"type": "string", "format": "date-time"}
    if t[0] == "array":
        return {"type": "array", "items": json_schema(t[1])}
    return {"type": "object", "properties": {n: json_schema(c) for n, c in t[1]}}


def duckdb_type(t):
    simple = {"int": "BIGINT", "double": "DOUBLE", "bool": "BOOLEAN", "string": "VARCHAR",
              "ts": "TIMESTAMPTZ"}
    if isinstance(t, str):
        return simple[t]
    if t[0] == "array":
        return duckdb_type(t[1]) + "[]"
    return "STRUCT(" + ", ".join(f'"{n}" {duckdb_type(c)}' for n, c in t[1]) + ")"


LOREM = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt "
         "ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud exercitation "
         "ullamco laboris nisi ut aliquip ex ea commodo consequat duis aute irure dolor in "
         "reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur ")
CITIES = ["Springfield", "Shelbyville", "Ogdenville", "North Haverbrook", "Capital City",
          "Brockway", "Cypress Creek", "Waverly Hills", "Dunkilderry", "Little Pwagmattasquarmsettport"]


def timestamp(i):
    return (f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}"
            f".{(i * 7919) % 1000000:06d}Z")


def text(i, length):
    start = (i * 37) % len(LOREM)
    return (LOREM * (2 + length // len(LOREM)))[start:start + length]


def pool(n, make):
    return [make(i) for i in range(n)]


USERS_COLUMNS = [
    ("id", "int"), ("name", "string"), ("email", "string"), ("age", "int"), ("score", "double"),
    ("active", "bool"), ("created_at", "ts"), ("tags", ("array", "string")),
    ("address", ("struct", [("street", "string"), ("city", "string"), ("zip", "string"),
                            ("country", "string")])),
    ("bio", "string")]


def users_records(count):
    """About 387 bytes a message: 10 columns incl. an array, a struct and a long text."""
    tails = pool(997, lambda i: json.dumps({
        "age": 18 + i % 70, "score": round(i * 0.731 % 100, 2), "active": i % 3 != 0,
        "created_at": timestamp(i), "tags": [f"tag{i % 7}", f"tag{i % 11}", f"tag{i % 13}"][:1 + i % 3],
        "address": {"street": f"{i % 1000} Main St", "city": CITIES[i % len(CITIES)],
                    "zip": f"{10000 + i * 13 % 89999}", "country": "US"},
        "bio": text(i, 44)}, separators=(",", ":"))[1:])
    words = LOREM.split()
    names = pool(101, lambda i: words[i % len(words)].capitalize() + " " + words[i * 7 % len(words)])
    for i in range(count):
        name = names[i % 101]
        yield (f'{{"id":{i},"name":"{name}","email":"u{i}@example.com",'
               f'{tails[i % 997]}')


NARROW_COLUMNS = [("id", "int"), ("value", "double"), ("flag", "bool"), ("ts", "ts")]


def narrow_records(count):
    tails = pool(1009, lambda i: f'"value":{i * 1.25 % 1000},"flag":{"true" if i % 2 else "false"},'
                                 f'"ts":"{timestamp(i)}"}}')
    for i in range(count):
        yield f'{{"id":{i},{tails[i % 1009]}'


WIDE_KINDS = ["int", "double", "string", "bool"]
WIDE_COLUMNS = [("id", "int")] + [(f"c{k:03d}", WIDE_KINDS[k % 4]) for k in range(199)]


def wide_value(kind, i, k):
    if kind == "int":
        return str(i * 31 + k)
    if kind == "double":
        return str(round((i + k) * 0.37, 3))
    if kind == "string":
        return f'"{LOREM[(i + k) % 200:(i + k) % 200 + 8]}"'
    return "true" if (i + k) % 2 else "false"


def wide_records(count):
    """200 top-level columns."""
    tails = pool(211, lambda i: ",".join(f'"{n}":{wide_value(t, i, k)}'
                                         for k, (n, t) in enumerate(WIDE_COLUMNS[1:])) + "}")
    for i in range(count):
        yield f'{{"id":{i},{tails[i % 211]}'


ITEM = ("struct", [("sku", "string"), ("qty", "int"), ("price", "double"),
                   ("attrs", ("array", "string"))])
NESTED_COLUMNS = [
    ("id", "int"),
    ("order", ("struct", [
        ("placed_at", "ts"),
        ("customer", ("struct", [("name", "string"), ("tier", "int")])),
        ("shipping", ("struct", [("city", "string"),
                                 ("geo", ("struct", [("lat", "double"), ("lon", "double")]))])),
    ])),
    ("items", ("array", ITEM)),
    ("scores", ("array", "int")),
]


def nested_records(count):
    def make(i):
        return json.dumps({
            "order": {"placed_at": timestamp(i),
                      "customer": {"name": text(i, 12), "tier": i % 4},
                      "shipping": {"city": CITIES[i % len(CITIES)],
                                   "geo": {"lat": round(i * 0.013 % 90, 4), "lon": round(i * 0.029 % 180, 4)}}},
            "items": [{"sku": f"SKU-{i * 3 + j}", "qty": 1 + j, "price": round(9.99 + j * i % 50, 2),
                       "attrs": [text(i + j, 5), text(i * j, 6)][:1 + j % 2]} for j in range(1 + i % 4)],
            "scores": [i % 10, i % 7, i % 5][:i % 4]}, separators=(",", ":"))[1:]
    tails = pool(503, make)
    for i in range(count):
        yield f'{{"id":{i},{tails[i % 503]}'


BIG_COLUMNS = [("id", "int"), ("ts", "ts"), ("payload", "string")]
BIG_RECORD_BYTES = 5_000_000


def big_records(count):
    """5 MB records: one long text with escaped line breaks and quotes every ~100 characters."""
    line = text(0, 96) + '\\"q\\"\\n'  # 102 characters of JSON, 99 once decoded
    base = line * (BIG_RECORD_BYTES // len(line) + 2)
    for i in range(count):
        start = (i * 13) % len(line)
        yield f'{{"id":{i},"ts":"{timestamp(i)}","payload":"{base[start:start + BIG_RECORD_BYTES - 200]}"}}'


STREAMS_COLUMNS = [("id", "int"), ("name", "string"), ("amount", "double"), ("ts", "ts")]
# BENCH_STREAMS lowers it for quick runs (each stream is a table: a fixed cost per commit).
STREAM_COUNT = int(os.environ.get("BENCH_STREAMS", "200"))


def streams_records(count):
    tails = pool(1013, lambda i: f'"name":"{text(i, 24)}","amount":{round(i * 0.77 % 5000, 2)},'
                                 f'"ts":"{timestamp(i)}"}}')
    for i in range(count):
        yield f'{{"id":{i},{tails[i % 1013]}'


# name -> (columns, record generator, approximate bytes a message, stream count, description)
SHAPES = {
    "users": (USERS_COLUMNS, users_records, 387, 1,
              "10 columns: int, strings, double, bool, timestamp, array<string>, struct, 44-char text"),
    "narrow": (NARROW_COLUMNS, narrow_records, 130, 1, "4 scalar columns: int, double, bool, timestamp"),
    "wide": (WIDE_COLUMNS, wide_records, 2900, 1, "200 scalar columns (int, double, 8-char string, bool)"),
    "nested": (NESTED_COLUMNS, nested_records, 420, 1,
               "struct of structs 3 deep, array of structs holding arrays, array<int>"),
    "big": (BIG_COLUMNS, big_records, BIG_RECORD_BYTES, 1, "5 MB records (one long text with escapes)"),
    "streams200": (STREAMS_COLUMNS, streams_records, 180, STREAM_COUNT,
                   f"{STREAM_COUNT} streams interleaved record by record, 4 columns each"),
}


def stream_names(shape):
    count = SHAPES[shape][3]
    return [shape] if count == 1 else [f"s{k:03d}" for k in range(count)]


def catalog(shape):
    columns = SHAPES[shape][0]
    schema = {"type": "object", "properties": {n: json_schema(t) for n, t in columns}}
    return {"streams": [{"stream": {"name": name, "json_schema": schema,
                                    "supported_sync_modes": ["full_refresh"]},
                         "sync_mode": "full_refresh", "destination_sync_mode": "append"}
                        for name in stream_names(shape)]}


def write_input(path, shape, count):
    names = stream_names(shape)
    heads = [f'{{"type":"RECORD","record":{{"stream":"{n}","emitted_at":{EMITTED_AT},"data":'
             for n in names]
    chunk = []
    with open(path, "w") as f:
        for i, data in enumerate(SHAPES[shape][1](count)):
            stream = i % len(names)
            chunk.append(f"{heads[stream]}{data}}}}}\n")
            if (i + 1) % STATE_EVERY == 0:
                chunk.append(json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {
                    "stream_descriptor": {"name": names[stream]}, "stream_state": {"id": i}}}}) + "\n")
            if len(chunk) >= 2000 or shape == "big":
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))


def ensure_input(cache_dir, shape, count):
    """Return (path of the input, its catalog's path), generating them unless cached."""
    os.makedirs(cache_dir, exist_ok=True)
    streams = SHAPES[shape][3]
    base = os.path.join(cache_dir, f"{shape}-{count}" + (f"x{streams}" if streams > 1 else "")
                        + f"-v{GENERATOR_VERSION}")
    path, catalog_path = base + ".jsonl", base + ".catalog.json"
    if not os.path.exists(path):
        write_input(path + ".part", shape, count)
        with open(catalog_path, "w") as f:
            json.dump(catalog(shape), f)
        os.replace(path + ".part", path)
    return path, catalog_path
