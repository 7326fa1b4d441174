"""Shared helpers of the driver tests: where the driver is, temp directories, result files, process time zones."""

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DRIVER_DIR = os.path.join(REPO, "src", "Sheriff.Core", "Sql", "Resources")
DRIVER_PATH = os.path.join(DRIVER_DIR, "sheriff_sql_driver.py")
STUB_PYSPARK = os.path.join(HERE, "stub_pyspark")

sys.dont_write_bytecode = True  # keep src/Sheriff.Core/Sql/Resources (an embedded resource's folder) free of __pycache__
if DRIVER_DIR not in sys.path:
    sys.path.insert(0, DRIVER_DIR)

import sheriff_sql_driver as driver  # noqa: E402  (after the path is set)


class TempDir(object):
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="sheriff-sql-test-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def read_json(path):
    with io.open(path, "r", encoding="utf-8") as handle:
        return json.load(handle)


def read_result(workdir, name=driver.DEFAULT_RESULT_FILE):
    return read_json(os.path.join(workdir, name))


def write_json(path, obj, bom=False):
    data = json.dumps(obj).encode("utf-8")
    with open(path, "wb") as handle:
        handle.write((b"\xef\xbb\xbf" if bom else b"") + data)


@contextlib.contextmanager
def process_time_zone(tz):
    """Sets TZ for this process (POSIX rule strings need no tz database), restoring it afterwards."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = tz
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


@contextlib.contextmanager
def cwd(path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def query_request(query, **extra):
    request = {"format": "sheriff-sql/1", "action": "query", "query": query, "output": None, "maxRows": 1000,
               "resultFile": "sheriff-sql-result.json"}
    request.update(extra)
    return request


def output_request(query, table, partition_by=(), mode="overwrite", fmt="parquet", location=None):
    return query_request(query, maxRows=0, output={"table": table, "partitionBy": list(partition_by), "mode": mode,
                                                   "format": fmt, "location": location})


def table_request(action, table, partition=None, columns=None, all_columns=False):
    request = {"format": "sheriff-sql/1", "action": action, "table": table, "partition": partition,
               "resultFile": "sheriff-sql-result.json"}
    if action == "analyze":
        request["columns"] = columns
        request["allColumns"] = all_columns
    return request
