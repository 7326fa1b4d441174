"""Unit tests of the Sheriff PySpark SQL driver (src/Sheriff.Core/Sql/Resources/sheriff_sql_driver.py).

Run: python3 -m unittest discover -s tests/python -v
pyspark is not installed here: the driver runs against the stand-in session of fake_spark.py (see README.md for what
that can and cannot prove). Spark's error texts used below are rebuilt from Spark's sources, cited per test.
"""

import ast
import base64
import calendar
import datetime
import decimal
import io
import json
import os
import subprocess
import sys
import unittest
from unittest import mock

import fake_spark as fs
from support import (DRIVER_PATH, HERE, STUB_PYSPARK, TempDir, cwd, driver, output_request, process_time_zone,
                     query_request, read_json, read_result, table_request, write_json)

D = decimal.Decimal


def micros(year, month, day, hour=0, minute=0, second=0, micro=0):
    """Epoch microseconds of a UTC wall-clock time (Spark's internal TimestampType value)."""
    return calendar.timegm((year, month, day, hour, minute, second)) * 1000000 + micro


def run_driver(spark, request, workdir, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    code = driver.run(spark, request, workdir, stdout=out, stderr=err, **kwargs)
    return code, out.getvalue(), err.getvalue()


def encode(data_type, value):
    return driver.make_encoder(data_type)(value)


# =====================================================================================================================
# Module shape
# =====================================================================================================================

class ModuleTests(unittest.TestCase):
    def test_import_does_not_import_pyspark(self):
        code = ("import sys; sys.path.insert(0, %r); import sheriff_sql_driver; "
                "print('pyspark' in sys.modules)" % os.path.dirname(DRIVER_PATH))
        # the stub pyspark is on the path, so an eager import would succeed and show up
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([STUB_PYSPARK, HERE]))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), "False")

    def test_source_is_python_3_8_syntax(self):
        with io.open(DRIVER_PATH, encoding="utf-8") as handle:
            source = handle.read()
        ast.parse(source, filename=DRIVER_PATH, feature_version=(3, 8))  # raises SyntaxError on newer syntax
        for newer in ("removeprefix(", "removesuffix(", "zoneinfo", "functools.cache(", ":= "):
            self.assertFalse(newer in source, "%r needs Python > 3.8 (or 3.8 exactly)" % newer)

    def test_only_pyspark_and_the_standard_library_are_imported(self):
        with io.open(DRIVER_PATH, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        modules = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                modules.add(node.module.split(".")[0])
        allowed = set(["base64", "datetime", "decimal", "io", "json", "math", "os", "re", "struct", "sys", "time",
                       "warnings", "pyspark"])
        self.assertEqual(modules - allowed, set())


# =====================================================================================================================
# Request parsing
# =====================================================================================================================

class RequestTests(unittest.TestCase):
    def assertKind(self, kind, obj, fragment=None):
        with self.assertRaises(driver.DriverError) as caught:
            driver.parse_request(obj)
        self.assertEqual(caught.exception.kind, kind, caught.exception.message)
        if fragment:
            self.assertIn(fragment, caught.exception.message)

    def test_query_defaults(self):
        req = driver.parse_request({"format": "sheriff-sql/1", "action": "query", "query": "SELECT 1"})
        self.assertEqual((req.action, req.query, req.output, req.max_rows, req.result_file),
                         ("query", "SELECT 1", None, 1000, "sheriff-sql-result.json"))

    def test_request_as_the_client_writes_it(self):
        # The shape SqlRequest.Write produces (src/Sheriff.Core/Sql/SqlRequest.cs): output given, maxRows 0.
        text = """{
  "format": "sheriff-sql/1",
  "action": "query",
  "query": "SELECT * FROM s.events WHERE ds = '2026-11-26'",
  "output": {"table": "s.daily", "partitionBy": ["ds"], "mode": "overwrite", "format": "parquet",
             "location": "s3://bucket/daily"},
  "maxRows": 0,
  "resultFile": "sheriff-sql-result.json"
}"""
        req = driver.parse_request(json.loads(text))
        self.assertEqual(req.output.table, driver.TableName("s", "daily"))
        self.assertEqual((req.output.partition_by, req.output.mode, req.output.format, req.output.location),
                         (["ds"], "overwrite", "parquet", "s3://bucket/daily"))
        self.assertEqual(req.max_rows, 0)

    def test_analyze_request(self):
        req = driver.parse_request(table_request("analyze", "db.t", {"ds": "2026-11-26", "hr": 5}, ["a", "b"]))
        self.assertEqual(req.table, driver.TableName("db", "t"))
        self.assertEqual(req.partition, [("ds", "2026-11-26"), ("hr", "5")])
        self.assertEqual(req.columns, ["a", "b"])
        self.assertFalse(req.all_columns)

    def test_table_names(self):
        self.assertEqual(driver.parse_table_name("t", "table"), driver.TableName("default", "t"))
        self.assertEqual(driver.parse_table_name("db.t", "table"), driver.TableName("db", "t"))
        self.assertEqual(driver.parse_table_name("`my db`.`t.x`", "table"), driver.TableName("my db", "t.x"))
        self.assertEqual(driver.parse_table_name("`a``b`.t", "table"), driver.TableName("a`b", "t"))
        self.assertEqual(driver.parse_table_name("db.t", "table").quoted, "`db`.`t`")

    def test_table_name_errors(self):
        self.assertKind("unsupported", table_request("stats", "cat.db.t"), "database.table")
        self.assertKind("internal", table_request("stats", ""))
        self.assertKind("internal", table_request("stats", "db."))
        self.assertKind("internal", table_request("stats", "`db.t"))
        self.assertKind("internal", table_request("stats", None))

    def test_format_and_action(self):
        self.assertKind("internal", {"action": "query", "query": "SELECT 1"}, "'format' is missing")
        self.assertKind("unsupported", {"format": "sheriff-sql/2", "action": "query", "query": "x"}, "sheriff-sql/2")
        self.assertKind("unsupported", {"format": "sheriff-sql/1", "action": "drop"}, "'drop'")
        self.assertKind("internal", {"format": "sheriff-sql/1"}, "'action'")
        self.assertKind("internal", ["not", "an", "object"])

    def test_query_fields(self):
        self.assertKind("internal", query_request("   "), "'query'")
        self.assertKind("internal", query_request(None), "'query'")
        for bad in (-1, True, "10", 1.5):
            self.assertKind("internal", query_request("SELECT 1", maxRows=bad), "'maxRows'")
        self.assertEqual(driver.parse_request(query_request("SELECT 1", maxRows=None)).max_rows, 1000)

    def test_output_fields(self):
        self.assertKind("unsupported", output_request("q", "db.t", mode="upsert"), "upsert")
        self.assertKind("unsupported", output_request("q", "db.t", fmt="delta"), "delta")
        self.assertKind("partition", output_request("q", "db.t", partition_by=["ds", "DS"]), "twice")
        self.assertKind("internal", output_request("q", "db.t", partition_by=[""]))
        self.assertKind("internal", query_request("q", output="db.t"))
        self.assertKind("internal", output_request("q", "db.t", location=""))
        req = driver.parse_request(output_request("q", "t", mode="Append", fmt="ORC"))
        self.assertEqual((req.output.table.display, req.output.mode, req.output.format), ("default.t", "append", "orc"))
        out = query_request("q", output={"table": "db.t"})
        req = driver.parse_request(out)
        self.assertEqual((req.output.partition_by, req.output.mode, req.output.format, req.output.location),
                         ([], "errorifexists", "parquet", None))

    def test_table_action_fields(self):
        self.assertKind("internal", table_request("analyze", "t", columns=["a"], all_columns=True), "cannot both")
        self.assertKind("internal", table_request("analyze", "t", columns=[""]))
        self.assertKind("internal", table_request("analyze", "t", all_columns="yes"))
        self.assertKind("internal", table_request("stats", "t", partition={"ds": None}), "null")
        self.assertKind("internal", table_request("stats", "t", partition={"ds": [1]}))
        self.assertKind("internal", table_request("stats", "t", partition=["ds"]))
        self.assertKind("partition", table_request("stats", "t", partition={"ds": "1", "DS": "2"}), "twice")
        self.assertIsNone(driver.parse_request(table_request("stats", "t", partition={})).partition)
        self.assertEqual(driver.parse_request(table_request("stats", "t", partition={"b": True})).partition,
                         [("b", "true")])

    def test_result_file(self):
        for bad in ("../x.json", "a/b.json", "a\\b.json", "..", "", " x.json"):
            self.assertKind("internal", query_request("q", resultFile=bad), "resultFile")
        self.assertEqual(driver.parse_request(query_request("q", resultFile="r.json")).result_file, "r.json")
        self.assertEqual(driver.result_file_of({"resultFile": "../evil"}), "sheriff-sql-result.json")
        self.assertEqual(driver.result_file_of({"resultFile": "mine.json"}), "mine.json")

    def test_load_request(self):
        with TempDir() as tmp:
            path = os.path.join(tmp, "sheriff-sql.json")
            with self.assertRaises(driver.DriverError) as caught:
                driver.load_request(path)
            self.assertEqual(caught.exception.kind, "io")
            self.assertIn(path, caught.exception.message)

            with open(path, "w") as handle:
                handle.write("{not json")
            with self.assertRaises(driver.DriverError) as caught:
                driver.load_request(path)
            self.assertEqual(caught.exception.kind, "internal")

            write_json(path, query_request("SELECT 'é'"), bom=True)  # a BOM (Windows PowerShell) is tolerated
            self.assertEqual(driver.load_request(path).query, "SELECT 'é'")

            write_json(path, query_request("", resultFile="mine.json"))
            with self.assertRaises(driver.DriverError) as caught:
                driver.load_request(path)
            self.assertEqual(caught.exception.result_file, "mine.json")


# =====================================================================================================================
# Command line
# =====================================================================================================================

class MainTests(unittest.TestCase):
    def setUp(self):
        self._tz = os.environ.get("TZ")

    def tearDown(self):
        if self._tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = self._tz
        import time
        time.tzset()

    def main(self, tmp, argv, factory=None):
        out, err = io.StringIO(), io.StringIO()
        with cwd(tmp):
            code = driver.main(argv, session_factory=factory, stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()

    def test_usage_errors(self):
        for argv in ([], ["a.json", "b.json"], ["--verbose"]):
            with TempDir() as tmp:
                code, _, err = self.main(tmp, argv, factory=lambda r: self.fail("no session expected"))
                self.assertEqual(code, 1)
                self.assertIn("usage: sheriff_sql_driver.py", err)
                result = read_result(tmp)
                self.assertEqual((result["status"], result["error"]["kind"]), ("failed", "internal"))

    def test_missing_request_file_fails_before_spark_starts(self):
        with TempDir() as tmp:
            code, _, err = self.main(tmp, ["sheriff-sql.json"], factory=lambda r: self.fail("no session expected"))
            self.assertEqual(code, 1)
            result = read_result(tmp)
            self.assertEqual(result["error"]["kind"], "io")
            self.assertIn("sheriff-sql.json", err)

    def test_invalid_request_writes_to_its_result_file(self):
        with TempDir() as tmp:
            write_json(os.path.join(tmp, "sheriff-sql.json"), query_request("", resultFile="mine.json"))
            code, _, _ = self.main(tmp, ["sheriff-sql.json"], factory=lambda r: self.fail("no session expected"))
            self.assertEqual(code, 1)
            self.assertEqual(read_result(tmp, "mine.json")["error"]["kind"], "internal")
            self.assertFalse(os.path.exists(os.path.join(tmp, "sheriff-sql-result.json")))

    def test_runs_the_request_stops_the_session_and_uses_utc(self):
        spark = fs.FakeSpark()
        spark.on(r"SELECT 42", spark.dataframe(fs.schema_of(("x", fs.IntegerType())), [[42]]))
        seen = []

        def factory(request):
            seen.append(request)
            return spark

        with TempDir() as tmp:
            os.makedirs(os.path.join(tmp, "sub"))
            write_json(os.path.join(tmp, "sub", "req.json"), query_request("SELECT 42"))
            os.environ["TZ"] = "EST5EDT,M3.2.0,M11.1.0"
            code, out, err = self.main(tmp, ["sub/req.json"], factory)
            self.assertEqual(code, 0, err)
            self.assertEqual(os.environ["TZ"], "UTC")
            self.assertEqual(seen[0].query, "SELECT 42")
            self.assertTrue(spark.stopped)
            self.assertEqual(read_result(tmp)["rows"], [[42]])
            self.assertTrue(out.startswith("sheriff-sql: succeeded:"), out)

    def test_session_that_cannot_start(self):
        def factory(request):
            raise RuntimeError("Hive classes are not found")

        with TempDir() as tmp:
            write_json(os.path.join(tmp, "sheriff-sql.json"), query_request("SELECT 1"))
            code, _, err = self.main(tmp, ["sheriff-sql.json"], factory)
            self.assertEqual(code, 1)
            result = read_result(tmp)
            self.assertEqual(result["error"]["kind"], "internal")
            self.assertIn("Hive classes are not found", result["error"]["message"])
            self.assertIn("Hive classes are not found", err)

    def run_script(self, tmp, scenario, spark_conf=None, args=("sheriff-sql.json",)):
        log = os.path.join(tmp, "builder.log")
        if os.path.exists(log):
            os.remove(log)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([STUB_PYSPARK, HERE]), SHERIFF_STUB_SCENARIO=scenario,
                   SHERIFF_STUB_LOG=log, SHERIFF_STUB_SPARK_CONF=json.dumps(spark_conf or {}))
        env.pop("TZ", None)
        proc = subprocess.run([sys.executable, DRIVER_PATH] + list(args), cwd=tmp, env=env, capture_output=True,
                              text=True, timeout=60)
        calls = []
        if os.path.exists(log):
            with open(log) as handle:
                calls = [json.loads(line) for line in handle]
        return proc, calls

    def test_script_runs_like_spark_submit_runs_it(self):
        with TempDir() as tmp:
            write_json(os.path.join(tmp, "sheriff-sql.json"), query_request("SELECT 1 AS one, 'x' AS word"))
            proc, calls = self.run_script(tmp, "select")
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(calls, [["appName", "sheriff-sql query"], ["enableHiveSupport"], ["getOrCreate"]])
            result = read_result(tmp)
            self.assertEqual(result["engine"], "spark 3.5.1")
            self.assertEqual(result["columns"], [{"name": "one", "type": "int"}, {"name": "word", "type": "string"}])
            self.assertEqual(result["rows"], [[1, "x"]])
            self.assertEqual(proc.stdout.strip().splitlines()[-1],
                             "sheriff-sql: succeeded: 2 columns, 1 rows returned of 1")

    def test_script_fails_with_exit_1_and_the_message_on_stderr(self):
        with TempDir() as tmp:
            write_json(os.path.join(tmp, "sheriff-sql.json"), query_request("SELECT 1\nFORM t"))
            proc, _ = self.run_script(tmp, "syntax")
            self.assertEqual(proc.returncode, 1)
            result = read_result(tmp)
            self.assertEqual(result["status"], "failed")
            self.assertEqual((result["error"]["kind"], result["error"]["line"], result["error"]["column"]),
                             ("syntax", 2, 1))
            self.assertIn("[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'.", proc.stderr)
            self.assertIn(result["error"]["message"], proc.stderr)
            self.assertNotIn("JVM stacktrace", result["error"]["message"])

    def test_script_respects_an_explicit_catalog_and_app_name(self):
        with TempDir() as tmp:
            write_json(os.path.join(tmp, "sheriff-sql.json"), query_request("SELECT 1 AS one"))
            proc, calls = self.run_script(tmp, "select", {"spark.sql.catalogImplementation": "in-memory",
                                                          "spark.app.name": "nightly-report"})
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(calls, [["getOrCreate"]])
            proc, calls = self.run_script(tmp, "select", {"spark.app.name": "sheriff_sql_driver.py"})
            self.assertEqual(calls[0], ["appName", "sheriff-sql query"])

    def test_script_session_crash(self):
        with TempDir() as tmp:
            write_json(os.path.join(tmp, "sheriff-sql.json"), query_request("SELECT 1"))
            proc, _ = self.run_script(tmp, "crash")
            self.assertEqual(proc.returncode, 1)
            self.assertEqual(read_result(tmp)["engine"], "spark 3.5.1")  # from pyspark.__version__
            self.assertIn("cannot start the stand-in session", proc.stderr)


# =====================================================================================================================
# Value encoding
# =====================================================================================================================

class EncodingTests(unittest.TestCase):
    def test_integers_and_booleans(self):
        for t in (fs.ByteType(), fs.ShortType(), fs.IntegerType(), fs.LongType()):
            self.assertEqual(encode(t, 7), 7)
            self.assertIs(type(encode(t, 7)), int)
            self.assertIsNone(encode(t, None))
        self.assertEqual(encode(fs.LongType(), 9223372036854775807), 9223372036854775807)
        self.assertIs(encode(fs.BooleanType(), True), True)
        self.assertIs(encode(fs.BooleanType(), False), False)
        self.assertIsNone(encode(fs.BooleanType(), None))

    def test_double(self):
        t = fs.DoubleType()
        self.assertEqual(encode(t, 0.1), 0.1)
        self.assertEqual(encode(t, 1e300), 1e300)
        self.assertEqual(encode(t, float("nan")), "NaN")
        self.assertEqual(encode(t, float("inf")), "Infinity")
        self.assertEqual(encode(t, float("-inf")), "-Infinity")
        self.assertIsNone(encode(t, None))

    def test_float_is_encoded_by_its_spark_type(self):
        widened = 0.10000000149011612  # 0.1f as PySpark hands it over
        self.assertEqual(json.dumps(encode(fs.FloatType(), widened)), "0.1")
        self.assertEqual(json.dumps(encode(fs.DoubleType(), widened)), "0.10000000149011612")
        self.assertEqual(encode(fs.FloatType(), 3.4028234663852886e38), 3.4028235e38)
        self.assertEqual(encode(fs.FloatType(), 16777216.0), 16777216.0)
        self.assertEqual(encode(fs.FloatType(), float("nan")), "NaN")
        self.assertEqual(encode(fs.FloatType(), float("-inf")), "-Infinity")

    def test_decimal_exact_digits(self):
        self.assertEqual(encode(fs.DecimalType(10, 2), D("12.50")), "12.50")
        self.assertEqual(encode(fs.DecimalType(10, 2), D("12.5")), "12.50")
        self.assertEqual(encode(fs.DecimalType(12, 10), D("0E-10")), "0.0000000000")
        self.assertEqual(encode(fs.DecimalType(10, 0), D("1E+3")), "1000")
        self.assertEqual(encode(fs.DecimalType(38, 18), D("12345678901234567890.123456789012345678")),
                         "12345678901234567890.123456789012345678")
        self.assertEqual(encode(fs.DecimalType(38, 0), D("-99999999999999999999999999999999999999")),
                         "-99999999999999999999999999999999999999")
        self.assertIsNone(encode(fs.DecimalType(10, 2), None))

    def test_strings_binary_null(self):
        self.assertEqual(encode(fs.StringType(), "zoë ✓"), "zoë ✓")
        self.assertEqual(encode(fs.StringType(), 5), "5")
        raw = bytearray(b"\x00\xffSheriff")
        self.assertEqual(encode(fs.BinaryType(), raw), base64.b64encode(bytes(raw)).decode("ascii"))
        self.assertIsNone(encode(fs.NullType(), None))

    def test_dates(self):
        self.assertEqual(encode(fs.DateType(), datetime.date(2026, 11, 26)), "2026-11-26")
        self.assertEqual(encode(fs.DateType(), datetime.date(1, 1, 1)), "0001-01-01")
        self.assertIsNone(encode(fs.DateType(), None))

    def test_timestamps_are_utc_whatever_the_process_zone(self):
        t = fs.TimestampType()
        value = micros(2026, 11, 26, 10, 0, 0, 123456)
        for tz in ("UTC", "EST5EDT,M3.2.0,M11.1.0", "JST-9", "NPT-5:45"):
            with process_time_zone(tz):
                self.assertEqual(encode(t, fs.pyspark_timestamp(value)), "2026-11-26T10:00:00.123456Z", tz)
        with process_time_zone("UTC"):
            self.assertEqual(encode(t, fs.pyspark_timestamp(micros(1900, 1, 1))), "1900-01-01T00:00:00.000000Z")
        self.assertEqual(encode(t, datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.timezone(
            datetime.timedelta(hours=2)))), "2026-01-01T10:00:00.000000Z")
        self.assertIsNone(encode(t, None))

    def test_timestamps_in_the_repeated_dst_hour(self):
        # 2026-11-01 01:30 happens twice in New York: 05:30Z (EDT) and 06:30Z (EST); fromtimestamp marks the second
        # with fold=1, which astimezone honours.
        with process_time_zone("EST5EDT,M3.2.0,M11.1.0"):
            first = fs.pyspark_timestamp(micros(2026, 11, 1, 5, 30))
            second = fs.pyspark_timestamp(micros(2026, 11, 1, 6, 30))
            self.assertEqual((first.hour, second.hour), (1, 1))
            self.assertEqual(encode(fs.TimestampType(), first), "2026-11-01T05:30:00.000000Z")
            self.assertEqual(encode(fs.TimestampType(), second), "2026-11-01T06:30:00.000000Z")

    def test_timestamp_ntz_is_wall_clock(self):
        with process_time_zone("JST-9"):
            value = fs.pyspark_timestamp_ntz(micros(2026, 11, 26, 10, 0, 0, 5))
            self.assertEqual(encode(fs.TimestampNTZType(), value), "2026-11-26T10:00:00.000005")

    def test_nested_array_of_struct(self):
        t = fs.ArrayType(fs.StructType([fs.StructField("a", fs.IntegerType()),
                                        fs.StructField("tags", fs.ArrayType(fs.StringType())),
                                        fs.StructField("price", fs.DecimalType(5, 2))]))
        value = [fs.Row.of(["a", "tags", "price"], [1, ["x", None], D("1.5")]), None,
                 fs.Row.of(["a", "tags", "price"], [None, None, None])]
        self.assertEqual(encode(t, value), [{"a": 1, "tags": ["x", None], "price": "1.50"}, None,
                                            {"a": None, "tags": None, "price": None}])
        self.assertEqual(t.simpleString(), "array<struct<a:int,tags:array<string>,price:decimal(5,2)>>")

    def test_maps_are_key_value_pairs_with_typed_keys(self):
        t = fs.MapType(fs.IntegerType(), fs.StringType())
        self.assertEqual(encode(t, {1: "a", 2: None}), [[1, "a"], [2, None]])
        t = fs.MapType(fs.DateType(), fs.ArrayType(fs.DoubleType()))
        self.assertEqual(encode(t, {datetime.date(2026, 11, 26): [float("nan"), 1.0]}),
                         [["2026-11-26", ["NaN", 1.0]]])
        self.assertIsNone(encode(t, None))

    def test_struct_holding_a_map_and_a_struct(self):
        inner = fs.StructType([fs.StructField("ts", fs.TimestampType())])
        t = fs.StructType([fs.StructField("m", fs.MapType(fs.StringType(), fs.LongType())),
                           fs.StructField("s", inner)])
        with process_time_zone("UTC"):
            value = fs.Row.of(["m", "s"], [{"k": 3}, fs.Row.of(["ts"], [fs.pyspark_timestamp(micros(2026, 1, 2))])])
            self.assertEqual(encode(t, value), {"m": [["k", 3]], "s": {"ts": "2026-01-02T00:00:00.000000Z"}})
        self.assertEqual(encode(t, {"m": None, "s": None}), {"m": None, "s": None})

    def test_types_outside_the_contract_become_text(self):
        self.assertEqual(encode(fs.DayTimeIntervalType(), datetime.timedelta(days=1, seconds=5)), "1 day, 0:00:05")

    def test_column_types(self):
        schema = fs.schema_of(("a", fs.DecimalType(10, 2)), ("b", fs.MapType(fs.IntegerType(), fs.StringType())),
                              ("c", fs.TimestampNTZType()), ("d", fs.ByteType()))
        self.assertEqual(driver.describe_columns(schema), [
            {"name": "a", "type": "decimal(10,2)"}, {"name": "b", "type": "map<int,string>"},
            {"name": "c", "type": "timestamp_ntz"}, {"name": "d", "type": "tinyint"}])


# =====================================================================================================================
# action query, rows returned
# =====================================================================================================================

ALL_TYPES = fs.schema_of(
    ("b", fs.BooleanType()), ("i", fs.IntegerType()), ("l", fs.LongType()), ("f", fs.FloatType()),
    ("d", fs.DoubleType()), ("m", fs.DecimalType(10, 2)), ("s", fs.StringType()), ("bin", fs.BinaryType()),
    ("dt", fs.DateType()), ("ts", fs.TimestampType()), ("ntz", fs.TimestampNTZType()),
    ("arr", fs.ArrayType(fs.IntegerType())), ("map", fs.MapType(fs.IntegerType(), fs.StringType())),
    ("st", fs.StructType([fs.StructField("x", fs.StringType())])))


class QueryTests(unittest.TestCase):
    def numbers(self, n):
        spark = fs.FakeSpark()
        spark.on(r"FROM numbers", spark.dataframe(fs.schema_of(("n", fs.LongType())), [[i] for i in range(n)]))
        return spark

    def run_query(self, spark, max_rows, query="SELECT n FROM numbers"):
        with TempDir() as tmp:
            code, out, err = run_driver(spark, query_request(query, maxRows=max_rows), tmp)
            self.assertEqual(code, 0, err)
            return read_result(tmp), out

    def test_truncated(self):
        spark = self.numbers(10)
        result, _ = self.run_query(spark, 3)
        self.assertEqual(result["rows"], [[0], [1], [2]])
        self.assertEqual((result["rowCount"], result["truncated"]), (10, True))
        self.assertEqual(spark.actions, [("take", 4), ("count",)])

    def test_not_truncated_needs_no_count(self):
        for n, cap in ((2, 3), (3, 3), (0, 5)):
            spark = self.numbers(n)
            result, _ = self.run_query(spark, cap)
            self.assertEqual(len(result["rows"]), n)
            self.assertEqual((result["rowCount"], result["truncated"]), (n, False))
            self.assertEqual(spark.actions, [("take", cap + 1)])

    def test_max_rows_zero(self):
        spark = self.numbers(4)
        result, out = self.run_query(spark, 0)
        self.assertEqual((result["rows"], result["rowCount"], result["truncated"]), ([], 4, True))
        self.assertIn("0 rows returned of 4 (truncated)", out)
        spark = self.numbers(0)
        result, _ = self.run_query(spark, 0)
        self.assertEqual((result["rows"], result["rowCount"], result["truncated"]), ([], 0, False))
        self.assertEqual(spark.actions, [("take", 1)])

    def test_result_document(self):
        spark = fs.FakeSpark(version="3.3.2")
        with process_time_zone("UTC"):
            row = [True, 1, 2, 0.5, 0.25, D("3.10"), "s", bytearray(b"hi"), datetime.date(2026, 11, 26),
                   fs.pyspark_timestamp(micros(2026, 11, 26, 1, 2, 3)),
                   fs.pyspark_timestamp_ntz(micros(2026, 11, 26, 1, 2, 3)), [1, None], {7: "seven"},
                   fs.Row.of(["x"], ["y"])]
            spark.on(r"everything", spark.dataframe(ALL_TYPES, [row, [None] * len(row)]))
            with TempDir() as tmp:
                code, _, err = run_driver(spark, query_request("SELECT everything"), tmp)
                self.assertEqual(code, 0, err)
                with open(os.path.join(tmp, "sheriff-sql-result.json"), "rb") as handle:
                    raw = handle.read()
        result = json.loads(raw.decode("utf-8"))
        self.assertEqual(list(result), ["format", "engine", "status", "error", "columns", "rows", "rowCount",
                                        "truncated", "written", "statistics"])  # columns before rows: the reader
        self.assertEqual((result["format"], result["engine"], result["status"]),
                         ("sheriff-sql-result/1", "spark 3.3.2", "succeeded"))
        self.assertIsNone(result["error"])
        self.assertIsNone(result["written"])
        self.assertIsNone(result["statistics"])
        self.assertEqual([c["type"] for c in result["columns"]],
                         ["boolean", "int", "bigint", "float", "double", "decimal(10,2)", "string", "binary", "date",
                          "timestamp", "timestamp_ntz", "array<int>", "map<int,string>", "struct<x:string>"])
        self.assertEqual(result["rows"][0], [True, 1, 2, 0.5, 0.25, "3.10", "s", "aGk=", "2026-11-26",
                                             "2026-11-26T01:02:03.000000Z", "2026-11-26T01:02:03.000000",
                                             [1, None], [[7, "seven"]], {"x": "y"}])
        self.assertEqual(result["rows"][1], [None] * len(row))
        self.assertEqual(raw.count(b"\n["), 2)  # one row per line

    def test_session_time_zone(self):
        spark = self.numbers(1)
        self.run_query(spark, 5)
        self.assertEqual(spark.conf.get("spark.sql.session.timeZone"), "UTC")
        spark = fs.FakeSpark(spark_conf={"spark.sql.session.timeZone": "Europe/Amsterdam"})
        spark.on(r"numbers", spark.dataframe(fs.schema_of(("n", fs.LongType())), [[1]]))
        self.run_query(spark, 5)
        self.assertIsNone(spark.conf.get("spark.sql.session.timeZone"))  # the job's own setting stays

    def test_ddl_statement_returns_no_columns(self):
        spark = fs.FakeSpark()
        spark.on(r"^CREATE", spark.dataframe(fs.StructType([]), []))
        result, _ = self.run_query(spark, 10, "CREATE DATABASE x")
        self.assertEqual((result["columns"], result["rows"], result["rowCount"]), ([], [], 0))


# =====================================================================================================================
# action query with output
# =====================================================================================================================

EVENTS = fs.schema_of(("id", fs.LongType()), ("name", fs.StringType()), ("ds", fs.DateType()))


def events_spark(rows, **kwargs):
    spark = fs.FakeSpark(**kwargs)
    spark.on(r"FROM staging", spark.dataframe(EVENTS, rows))
    return spark


NOV25 = datetime.date(2026, 11, 25)
NOV26 = datetime.date(2026, 11, 26)


class OutputTests(unittest.TestCase):
    def write(self, spark, table, partition_by=("ds",), mode="overwrite", location=None, fmt="parquet",
              query="SELECT * FROM staging"):
        with TempDir() as tmp:
            code, out, err = run_driver(spark, output_request(query, table, partition_by, mode, fmt, location), tmp)
            return code, read_result(tmp), out, err

    def test_create_partitioned_table(self):
        spark = events_spark([[1, "a", NOV26], [2, "b", NOV25], [3, "c", NOV26]])
        code, result, out, err = self.write(spark, "db.daily", location="s3://bucket/daily", fmt="orc")
        self.assertEqual(code, 0, err)
        self.assertEqual(result["written"], {"table": "db.daily", "rows": 3, "partitions": ["ds=2026-11-25",
                                                                                          "ds=2026-11-26"],
                                             "location": "s3://bucket/daily", "mode": "overwrite", "created": True})
        self.assertEqual((result["rowCount"], result["rows"]), (3, []))
        writer = spark.writes[0]
        self.assertEqual(writer.calls, [("mode", "errorifexists"), ("format", "orc"), ("partitionBy", "ds"),
                                        ("option", "path", "s3://bucket/daily"), ("saveAsTable", "`db`.`daily`")])
        table = spark.find_table("db", "daily")
        self.assertEqual([c[0] for c in table.columns], ["id", "name", "ds"])
        self.assertEqual(len(table.rows), 3)
        # one job counts rows and partitions, over the cached result, which is released at the end
        self.assertEqual(spark.actions, [("cache",), ("collect",), ("unpersist",)])
        self.assertIn("wrote 3 rows to db.daily (overwrite, created, 2 partitions)", out)

    def test_create_in_the_warehouse_unpartitioned(self):
        spark = events_spark([[1, "a", NOV26]])
        code, result, _, err = self.write(spark, "daily", partition_by=())
        self.assertEqual(code, 0, err)
        self.assertEqual(result["written"]["table"], "default.daily")
        self.assertEqual(result["written"]["partitions"], [])
        self.assertEqual(result["written"]["location"], "file:/warehouse/default.db/daily")
        self.assertEqual(spark.writes[0].calls, [("mode", "errorifexists"), ("format", "parquet"),
                                                 ("saveAsTable", "`default`.`daily`")])
        self.assertIn(("count",), spark.actions)

    def existing(self, spark, partitioned=True):
        columns = [("id", fs.LongType(), False), ("name", fs.StringType(), False)]
        if partitioned:
            columns.append(("ds", fs.DateType(), True))
        rows = [(10, "old-25", NOV25), (11, "old-26", NOV26)] if partitioned else [(10, "old"), (11, "old")]
        return spark.add_table("db", "daily", columns, rows)

    def test_overwrite_replaces_only_the_partitions_in_the_result(self):
        spark = events_spark([[1, "new", NOV26]])
        table = self.existing(spark)
        code, result, _, err = self.write(spark, "db.daily")
        self.assertEqual(code, 0, err)
        self.assertEqual(spark.conf.get("spark.sql.sources.partitionOverwriteMode"), "dynamic")
        self.assertEqual(spark.writes[0].calls, [("insertInto", "`db`.`daily`", True)])
        self.assertEqual(sorted(table.rows), [(1, "new", NOV26), (10, "old-25", NOV25)])
        self.assertEqual(result["written"], {"table": "db.daily", "rows": 1, "partitions": ["ds=2026-11-26"],
                                             "location": "file:/warehouse/db.db/daily", "mode": "overwrite",
                                             "created": False})

    def test_overwrite_unpartitioned_replaces_all(self):
        spark = fs.FakeSpark()
        spark.on(r"FROM staging", spark.dataframe(fs.schema_of(("id", fs.LongType()), ("name", fs.StringType())),
                                                   [[1, "new"]]))
        table = self.existing(spark, partitioned=False)
        code, _, _, err = self.write(spark, "db.daily", partition_by=())
        self.assertEqual(code, 0, err)
        self.assertEqual(table.rows, [(1, "new")])

    def test_columns_are_aligned_to_the_table_by_name(self):
        spark = fs.FakeSpark()
        shuffled = fs.schema_of(("DS", fs.DateType()), ("Name", fs.StringType()), ("id", fs.LongType()))
        spark.on(r"FROM staging", spark.dataframe(shuffled, [[NOV26, "new", 1]]))
        table = self.existing(spark)
        code, result, _, err = self.write(spark, "db.daily", partition_by=("ds",))
        self.assertEqual(code, 0, err)
        self.assertIn((1, "new", NOV26), table.rows)
        self.assertEqual(result["written"]["partitions"], ["ds=2026-11-26"])  # the table's spelling

    def test_append(self):
        spark = events_spark([[1, "new", NOV26]])
        table = self.existing(spark)
        code, result, _, err = self.write(spark, "db.daily", mode="append")
        self.assertEqual(code, 0, err)
        self.assertEqual(spark.writes[0].calls, [("insertInto", "`db`.`daily`", False)])
        self.assertEqual(len(table.rows), 3)
        self.assertEqual((result["written"]["mode"], result["written"]["created"]), ("append", False))

    def test_errorifexists_on_an_existing_table(self):
        spark = events_spark([[1, "new", NOV26]])
        table = self.existing(spark)
        code, result, _, err = self.write(spark, "db.daily", mode="errorifexists")
        self.assertEqual(code, 1)
        self.assertEqual(result["error"]["kind"], "mode")
        self.assertIn("db.daily already exists", result["error"]["message"])
        self.assertIn("db.daily already exists", err)
        self.assertEqual(spark.writes, [])
        self.assertEqual(len(table.rows), 2)
        self.assertIsNone(result["written"])

    def test_errorifexists_creates_a_missing_table(self):
        spark = events_spark([[1, "new", NOV26]])
        code, result, _, err = self.write(spark, "db.daily", mode="errorifexists")
        self.assertEqual(code, 0, err)
        self.assertTrue(result["written"]["created"])

    def test_partitioning_clash(self):
        cases = [(True, ("name",), "partitioned by (ds)"), (False, ("ds",), "not partitioned"),
                 (True, (), "partitions by nothing")]
        for partitioned, partition_by, fragment in cases:
            spark = events_spark([[1, "new", NOV26]])
            self.existing(spark, partitioned)
            code, result, _, _ = self.write(spark, "db.daily", partition_by=partition_by)
            self.assertEqual(code, 1)
            self.assertEqual(result["error"]["kind"], "partition")
            self.assertIn(fragment, result["error"]["message"])
            self.assertEqual(spark.writes, [])

    def test_partition_column_missing_from_the_result(self):
        spark = events_spark([[1, "new", NOV26]])
        code, result, _, _ = self.write(spark, "db.daily", partition_by=("country",))
        self.assertEqual(code, 1)
        self.assertEqual(result["error"]["kind"], "partition")
        self.assertIn("country", result["error"]["message"])
        self.assertEqual(spark.catalog.calls, [])  # found before the catalog is asked
        self.assertEqual(spark.writes, [])

    def test_all_columns_as_partitions(self):
        spark = fs.FakeSpark()
        spark.on(r"FROM staging", spark.dataframe(fs.schema_of(("ds", fs.DateType())), [[NOV26]]))
        code, result, _, _ = self.write(spark, "db.daily", partition_by=("ds",))
        self.assertEqual((code, result["error"]["kind"]), (1, "partition"))

    def test_result_not_matching_the_table(self):
        for schema, fragment in ((fs.schema_of(("id", fs.LongType()), ("ds", fs.DateType())), "lacks name"),
                                 (fs.schema_of(("id", fs.LongType()), ("name", fs.StringType()),
                                               ("extra", fs.IntegerType()), ("ds", fs.DateType())),
                                  "no column extra")):
            spark = fs.FakeSpark()
            spark.on(r"FROM staging", spark.dataframe(schema, []))
            self.existing(spark)
            code, result, _, _ = self.write(spark, "db.daily")
            self.assertEqual(code, 1)
            self.assertEqual(result["error"]["kind"], "schema")
            self.assertIn(fragment, result["error"]["message"])

    def test_duplicate_result_columns(self):
        spark = fs.FakeSpark()
        spark.on(r"FROM staging", spark.dataframe(fs.schema_of(("a", fs.LongType()), ("A", fs.LongType())), []))
        code, result, _, _ = self.write(spark, "db.t", partition_by=())
        self.assertEqual((code, result["error"]["kind"]), (1, "schema"))

    def test_incompatible_types_reported_by_spark_are_schema_errors(self):
        # Spark 3.5 (TableOutputResolver): [INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST]
        spark = events_spark([[1, "new", NOV26]])
        self.existing(spark)
        spark.fail_next_write = fs.AnalysisException(
            "[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST] Cannot write incompatible data for the table "
            "`spark_catalog`.`db`.`daily`: Cannot safely cast `id` \"STRING\" to \"BIGINT\".")
        code, result, _, _ = self.write(spark, "db.daily")
        self.assertEqual((code, result["error"]["kind"]), (1, "schema"))
        self.assertTrue(result["error"]["message"].startswith("[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST]"))
        self.assertEqual(spark.actions[-1], ("unpersist",))  # released on failure too

        spark = events_spark([[1, "new", NOV26]])
        self.existing(spark)
        spark.fail_next_write = fs.AnalysisException("Cannot overwrite a path that is also being read from.")
        code, result, _, _ = self.write(spark, "db.daily")
        self.assertEqual((code, result["error"]["kind"]), (1, "analysis"))

    def test_io_failure_while_writing(self):
        spark = events_spark([[1, "new", NOV26]])
        spark.fail_next_write = fs.Py4JJavaError("o77.saveAsTable", (
            "java.nio.file.AccessDeniedException: s3a://bucket/daily: getFileStatus on s3a://bucket/daily: "
            "com.amazonaws.services.s3.model.AmazonS3Exception: Forbidden\n\tat org.apache.hadoop.fs.s3a."
            "S3AUtils.translateException(S3AUtils.java:255)\n\tat java.lang.Thread.run(Thread.java:750)"))
        code, result, _, _ = self.write(spark, "db.daily")
        self.assertEqual((code, result["error"]["kind"]), (1, "io"))
        self.assertIn("AccessDeniedException", result["error"]["message"])
        self.assertNotIn("\tat ", result["error"]["message"])

    def test_before_spark_3_3_listtables_is_used(self):
        spark = events_spark([[1, "new", NOV26]], catalog_class=fs.Catalog32)
        self.existing(spark)
        code, result, _, _ = self.write(spark, "db.daily", mode="errorifexists")
        self.assertEqual((code, result["error"]["kind"]), (1, "mode"))
        self.assertEqual(spark.catalog.calls[0], ("listTables", "db"))
        spark = events_spark([[1, "new", NOV26]], catalog_class=fs.Catalog32)
        code, result, _, err = self.write(spark, "nodb.daily", mode="errorifexists")  # database missing: create
        self.assertEqual(code, 0, err)
        self.assertTrue(result["written"]["created"])

    def test_null_partition_value(self):
        spark = events_spark([[1, "a", None], [2, "b", NOV26]])
        code, result, _, err = self.write(spark, "db.daily")
        self.assertEqual(code, 0, err)
        self.assertEqual(result["written"]["partitions"], ["ds=2026-11-26", "ds=__HIVE_DEFAULT_PARTITION__"])

    def test_truncated_follows_the_contract_rule(self):
        # "truncated": rowCount > rows returned; a write returns no rows.
        spark = events_spark([[1, "a", NOV26]])
        _, result, _, _ = self.write(spark, "db.daily")
        self.assertEqual((result["rowCount"], len(result["rows"]), result["truncated"]), (1, 0, True))
        spark = events_spark([])
        _, result, _, _ = self.write(spark, "db.daily")
        self.assertEqual((result["rowCount"], result["truncated"]), (0, False))


# =====================================================================================================================
# ANALYZE text and action analyze
# =====================================================================================================================

T = driver.TableName("db", "t")


class AnalyzeSqlTests(unittest.TestCase):
    def test_quoting(self):
        self.assertEqual(driver.quote_identifier("a`b"), "`a``b`")
        self.assertEqual(driver.quote_identifier("select"), "`select`")
        self.assertEqual(driver.sql_string_literal("it's"), "'it\\'s'")
        self.assertEqual(driver.sql_string_literal("C:\\tmp"), "'C:\\\\tmp'")
        self.assertEqual(driver.sql_string_literal("zoë"), "'zoë'")
        self.assertEqual(driver.sql_string_literal("\\'"), "'\\\\\\''")
        # and the fake's literal reader (Spark's rule) gets the value back
        for value in ("it's", "C:\\tmp", "\\'", "a''b", "x\\"):
            self.assertEqual(fs.sql_unstring(driver.sql_string_literal(value)), value)

    def test_analyze_text(self):
        self.assertEqual(driver.build_analyze_sql(T), "ANALYZE TABLE `db`.`t` COMPUTE STATISTICS")
        self.assertEqual(driver.build_analyze_sql(T, partition=[("ds", "2026-11-26"), ("hr", "01")]),
                         "ANALYZE TABLE `db`.`t` PARTITION (`ds` = '2026-11-26', `hr` = '01') COMPUTE STATISTICS")
        self.assertEqual(driver.build_analyze_sql(T, partition=[("ds", None)]),
                         "ANALYZE TABLE `db`.`t` PARTITION (`ds`) COMPUTE STATISTICS")
        self.assertEqual(driver.build_analyze_sql(T, columns=["a", "b c"]),
                         "ANALYZE TABLE `db`.`t` COMPUTE STATISTICS FOR COLUMNS `a`, `b c`")
        self.assertEqual(driver.build_analyze_sql(T, all_columns=True),
                         "ANALYZE TABLE `db`.`t` COMPUTE STATISTICS FOR ALL COLUMNS")
        self.assertEqual(driver.build_analyze_sql(driver.TableName("my`db", "t"), partition=[("k`", "o'neil")],
                                                  columns=["x"]),
                         "ANALYZE TABLE `my``db`.`t` PARTITION (`k``` = 'o\\'neil') COMPUTE STATISTICS "
                         "FOR COLUMNS `x`")

    def test_statement_plan(self):
        plan = driver.analyze_statements
        self.assertEqual(plan(T, None, None, False, []), ["ANALYZE TABLE `db`.`t` COMPUTE STATISTICS"])
        self.assertEqual(plan(T, None, ["a"], False, []),
                         ["ANALYZE TABLE `db`.`t` COMPUTE STATISTICS FOR COLUMNS `a`"])
        self.assertEqual(plan(T, None, None, False, ["ds", "hr"]),
                         ["ANALYZE TABLE `db`.`t` PARTITION (`ds`, `hr`) COMPUTE STATISTICS",
                          "ANALYZE TABLE `db`.`t` COMPUTE STATISTICS"])
        self.assertEqual(plan(T, None, None, True, ["ds"]),
                         ["ANALYZE TABLE `db`.`t` PARTITION (`ds`) COMPUTE STATISTICS",
                          "ANALYZE TABLE `db`.`t` COMPUTE STATISTICS FOR ALL COLUMNS"])
        self.assertEqual(plan(T, [("ds", "x")], None, False, ["ds"]),
                         ["ANALYZE TABLE `db`.`t` PARTITION (`ds` = 'x') COMPUTE STATISTICS"])
        self.assertEqual(plan(T, [("ds", "x")], ["a"], False, ["ds"]),
                         ["ANALYZE TABLE `db`.`t` PARTITION (`ds` = 'x') COMPUTE STATISTICS",
                          "ANALYZE TABLE `db`.`t` COMPUTE STATISTICS FOR COLUMNS `a`"])


NOW = datetime.datetime(2026, 11, 26, 10, 0, 0, tzinfo=datetime.timezone.utc)


def stats_spark(partitioned=True):
    spark = fs.FakeSpark()
    columns = [("id", fs.LongType(), False), ("name", fs.StringType(), False)]
    if partitioned:
        columns.append(("ds", fs.StringType(), True))
        rows = [(1, "a", "2026-11-25"), (2, None, "2026-11-25"), (3, "c", "2026-11-26")]
    else:
        rows = [(1, "a"), (2, None), (3, "c")]
    table = spark.add_table("db", "t", columns, rows, location="s3://bucket/t")
    return spark, table


SIZES = {"s3://bucket/t": 5000, "s3://bucket/t/ds=2026-11-25": 3000, "s3://bucket/t/ds=2026-11-26": 2000,
         "s3://elsewhere/p": 700}


def measure(spark, location):
    return SIZES[location]


class AnalyzeTests(unittest.TestCase):
    def analyze(self, spark, **kwargs):
        with TempDir() as tmp:
            code, out, err = run_driver(spark, table_request("analyze", "db.t", **kwargs), tmp, measure_size=measure,
                                        now=lambda: NOW)
            return code, read_result(tmp), out, err

    def test_whole_partitioned_table(self):
        spark, table = stats_spark()
        code, result, out, err = self.analyze(spark)
        self.assertEqual(code, 0, err)
        self.assertEqual([s for s in spark.statements if s.startswith(("ANALYZE", "ALTER"))], [
            "ANALYZE TABLE `db`.`t` PARTITION (`ds`) COMPUTE STATISTICS",
            "ANALYZE TABLE `db`.`t` COMPUTE STATISTICS",
            "ALTER TABLE `db`.`t` SET TBLPROPERTIES ('sheriff.statistics.collectedAt' = '2026-11-26T10:00:00Z')"])
        stats = result["statistics"]
        # read after ANALYZE: the fresh figures, and the time just recorded
        self.assertEqual((stats["sizeInBytes"], stats["rowCount"], stats["collectedAt"]),
                         (300, 3, "2026-11-26T10:00:00Z"))
        self.assertEqual([(p["spec"], p["rowCount"], p["collectedAt"]) for p in stats["partitions"]],
                         [({"ds": "2026-11-25"}, 2, "2026-11-26T10:00:00Z"),
                          ({"ds": "2026-11-26"}, 1, "2026-11-26T10:00:00Z")])
        self.assertIn("analyzed db.t (2 statements)", out)

    def test_one_partition_with_columns(self):
        spark, table = stats_spark()
        code, result, _, err = self.analyze(spark, partition={"ds": "2026-11-26"}, columns=["name"])
        self.assertEqual(code, 0, err)
        analyzed = [s for s in spark.statements if s.startswith(("ANALYZE", "ALTER"))]
        self.assertEqual(analyzed[:2], [
            "ANALYZE TABLE `db`.`t` PARTITION (`ds` = '2026-11-26') COMPUTE STATISTICS",
            "ANALYZE TABLE `db`.`t` COMPUTE STATISTICS FOR COLUMNS `name`"])
        self.assertEqual(json.loads(table.properties["sheriff.statistics.lastPartitionCollectedAt"]),
                         {"spec": {"ds": "2026-11-26"}, "collectedAt": "2026-11-26T10:00:00Z"})
        stats = result["statistics"]
        self.assertEqual([p["spec"] for p in stats["partitions"]], [{"ds": "2026-11-26"}])  # the one asked for
        self.assertEqual(stats["partitions"][0]["collectedAt"], "2026-11-26T10:00:00Z")
        self.assertIsNone(stats["collectedAt"])  # no whole-table analyze recorded by Sheriff
        self.assertEqual(stats["columns"], [{"name": "name", "distinctCount": 2, "nullCount": 1, "min": "a",
                                             "max": "c"}])

    def test_unpartitioned_all_columns(self):
        spark, table = stats_spark(partitioned=False)
        code, result, _, err = self.analyze(spark, all_columns=True)
        self.assertEqual(code, 0, err)
        self.assertIn("ANALYZE TABLE `db`.`t` COMPUTE STATISTICS FOR ALL COLUMNS", spark.statements)
        self.assertEqual([c["name"] for c in result["statistics"]["columns"]], ["id", "name"])

    def test_bad_partition(self):
        spark, _ = stats_spark()
        code, result, _, _ = self.analyze(spark, partition={"country": "NL"})
        self.assertEqual((code, result["error"]["kind"]), (1, "partition"))
        self.assertIn("country is not a partition column of db.t", result["error"]["message"])
        spark, _ = stats_spark(partitioned=False)
        code, result, _, _ = self.analyze(spark, partition={"ds": "x"})
        self.assertEqual((code, result["error"]["kind"]), (1, "partition"))
        self.assertFalse(any(s.startswith("ANALYZE") for s in spark.statements))

    def test_missing_table(self):
        spark = fs.FakeSpark()
        code, result, _, _ = self.analyze(spark)
        self.assertEqual((code, result["error"]["kind"]), (1, "analysis"))
        self.assertIn("TABLE_OR_VIEW_NOT_FOUND", result["error"]["message"])

    def test_time_that_cannot_be_recorded_is_a_warning(self):
        spark, _ = stats_spark()
        spark.on(r"^ALTER TABLE", fs.AnalysisException("Permission denied: user cannot alter table"))
        code, result, _, err = self.analyze(spark)
        self.assertEqual(code, 0)
        self.assertIn("warning: statistics were computed but the time could not be recorded", err)
        self.assertIsNone(result["statistics"]["collectedAt"])
        self.assertEqual(result["statistics"]["rowCount"], 3)


# =====================================================================================================================
# action stats and DESCRIBE parsing
# =====================================================================================================================

# DESCRIBE TABLE EXTENDED salesdb.customer as Spark's docs show it (docs/sql-ref-syntax-aux-describe-table.md), with
# a Statistics row (CatalogStatistics.simpleString) as Spark adds it once the table is analyzed.
DOCS_TABLE = [
    ("cust_id", "int", None), ("name", "string", "Short name"), ("state", "string", None),
    ("# Partition Information", "", ""), ("# col_name", "data_type", "comment"), ("state", "string", None),
    ("", "", ""), ("# Detailed Table Information", "", ""),
    ("Database", "salesdb", ""), ("Table", "customer", ""), ("Owner", "<table owner>", ""),
    ("Created Time", "Fri Aug 30 09:26:04 PDT 2019", ""), ("Last Access", "Wed Dec 31 16:00:00 PST 1969", ""),
    ("Created By", "<spark version>", ""), ("Type", "MANAGED", ""), ("Provider", "parquet", ""),
    ("Statistics", "864 bytes, 2 rows", ""),
    ("Location", "file:/warehouse/salesdb.db/customer", ""),
    ("Serde Library", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", ""),
]

DOCS_PARTITION = [
    ("cust_id", "int", None), ("name", "string", "Short name"), ("state", "string", None),
    ("# Partition Information", "", ""), ("# col_name", "data_type", "comment"), ("state", "string", None),
    ("", "", ""), ("# Detailed Partition Information", "", ""),
    ("Database", "salesdb", ""), ("Table", "customer", ""), ("Partition Values", "[state=AR]", ""),
    ("Location", "file:/warehouse/salesdb.db/customer/state=AR", ""),
    ("Partition Parameters", "{rawDataSize=-1, numFiles=1, transient_lastDdlTime=1567185245, totalSize=688, "
                             "COLUMN_STATS_ACCURATE=false, numRows=-1}", ""),
    ("Created Time", "Fri Aug 30 10:14:05 PDT 2019", ""), ("Last Access", "Wed Dec 31 16:00:00 PST 1969", ""),
    ("Partition Statistics", "688 bytes", ""),
    ("", "", ""), ("# Storage Information", "", ""), ("Location", "file:/warehouse/salesdb.db/customer", ""),
]


class DescribeParsingTests(unittest.TestCase):
    def test_table(self):
        info = driver.parse_describe([fs.Row.of(["col_name", "data_type", "comment"], r) for r in DOCS_TABLE])
        self.assertEqual(info.columns, [("cust_id", "int"), ("name", "string"), ("state", "string")])
        self.assertEqual(info.partition_columns, ["state"])
        self.assertEqual(info.table_info["Location"], "file:/warehouse/salesdb.db/customer")
        self.assertEqual(driver.parse_statistics(info.table_info["Statistics"]), (864, 2))

    def test_table_without_statistics_or_partitions(self):
        rows = [r for r in DOCS_TABLE if r[0] not in ("Statistics",)]
        rows = rows[:3] + rows[6:]  # no "# Partition Information"
        info = driver.parse_describe(rows)
        self.assertEqual(info.partition_columns, [])
        self.assertEqual(len(info.columns), 3)
        self.assertEqual(driver.parse_statistics(info.table_info.get("Statistics")), (None, None))

    def test_partition_location_is_the_partitions_own(self):
        info = driver.parse_describe(DOCS_PARTITION)
        self.assertEqual(info.partition_info["Location"], "file:/warehouse/salesdb.db/customer/state=AR")
        self.assertEqual(driver.parse_statistics(info.partition_info["Partition Statistics"]), (688, None))
        self.assertEqual(info.table_info, {})

    def test_statistics_text(self):
        self.assertEqual(driver.parse_statistics("1234 bytes, 10 rows"), (1234, 10))
        self.assertEqual(driver.parse_statistics("9223372036854775807 bytes"), (9223372036854775807, None))
        self.assertEqual(driver.parse_statistics(None), (None, None))
        self.assertEqual(driver.parse_statistics("unknown"), (None, None))

    def test_partition_names(self):
        self.assertEqual(driver.parse_partition_name("ds=2026-11-26/hr=01"), [("ds", "2026-11-26"), ("hr", "01")])
        self.assertEqual(driver.parse_partition_name("p=a%2Fb%3Dc%25"), [("p", "a/b=c%")])
        self.assertEqual(fs.escape_path_name("a/b=c%"), "a%2Fb%3Dc%25")


class StatsTests(unittest.TestCase):
    def stats(self, spark, partition=None, measure_size=measure):
        with TempDir() as tmp:
            code, out, err = run_driver(spark, table_request("stats", "db.t", partition), tmp,
                                        measure_size=measure_size, now=lambda: NOW)
            return code, read_result(tmp), out, err

    def test_recorded_and_measured(self):
        spark, table = stats_spark()
        table.stats = (4800, 3)
        table.partition_stats[("2026-11-25",)] = (2900, 2)
        table.partition_locations[("2026-11-26",)] = "s3://elsewhere/p"  # a partition outside the table directory
        table.properties["sheriff.statistics.collectedAt"] = "2026-11-20T08:00:00Z"
        code, result, out, err = self.stats(spark)
        self.assertEqual(code, 0, err)
        self.assertEqual(result["statistics"], {
            "table": "db.t", "location": "s3://bucket/t", "partitionColumns": ["ds"],
            "sizeInBytes": 4800, "rowCount": 3, "collectedAt": "2026-11-20T08:00:00Z",
            "actualSizeInBytes": 5700,  # the table directory plus the partition elsewhere
            "partitions": [
                {"spec": {"ds": "2026-11-25"}, "sizeInBytes": 2900, "rowCount": 2,
                 "collectedAt": "2026-11-20T08:00:00Z", "actualSizeInBytes": 3000},
                {"spec": {"ds": "2026-11-26"}, "sizeInBytes": None, "rowCount": None, "collectedAt": None,
                 "actualSizeInBytes": 700}],
            "columns": []})
        self.assertIn("statistics of db.t: 4800 bytes recorded, 5700 bytes measured", out)
        self.assertFalse(any(s.startswith(("ANALYZE", "ALTER")) for s in spark.statements))  # read-only

    def test_never_analyzed(self):
        spark, table = stats_spark(partitioned=False)
        table.properties["sheriff.statistics.collectedAt"] = "2026-11-20T08:00:00Z"  # stale: stats were dropped
        code, result, _, err = self.stats(spark)
        self.assertEqual(code, 0, err)
        stats = result["statistics"]
        self.assertEqual((stats["sizeInBytes"], stats["rowCount"], stats["collectedAt"], stats["actualSizeInBytes"]),
                         (None, None, None, 5000))
        self.assertEqual((stats["partitions"], stats["partitionColumns"]), ([], []))
        self.assertFalse(any(s.startswith("SHOW PARTITIONS") for s in spark.statements))

    def test_one_partition(self):
        spark, table = stats_spark()
        code, result, _, err = self.stats(spark, partition={"ds": "2026-11-26"})
        self.assertEqual(code, 0, err)
        self.assertIn("SHOW PARTITIONS `db`.`t` PARTITION (`ds` = '2026-11-26')", spark.statements)
        self.assertEqual([p["spec"] for p in result["statistics"]["partitions"]], [{"ds": "2026-11-26"}])

    def test_size_that_cannot_be_measured(self):
        def denied(spark, location):
            raise fs.Py4JJavaError("o9.getContentSummary", "java.nio.file.AccessDeniedException: " + location)

        spark, _ = stats_spark(partitioned=False)
        code, result, _, err = self.stats(spark, measure_size=denied)
        self.assertEqual(code, 0)
        self.assertIsNone(result["statistics"]["actualSizeInBytes"])
        self.assertIn("warning: could not measure the size of s3://bucket/t", err)

    def test_hadoop_measure_goes_through_the_jvm(self):
        jvm = mock.MagicMock()
        spark = mock.MagicMock()
        spark._jvm = jvm
        fs_ = jvm.org.apache.hadoop.fs.Path.return_value.getFileSystem.return_value
        fs_.exists.return_value = True
        fs_.getContentSummary.return_value.getLength.return_value = 1234
        self.assertEqual(driver.hadoop_path_size(spark, "s3a://bucket/t"), 1234)
        jvm.org.apache.hadoop.fs.Path.assert_called_with("s3a://bucket/t")
        fs_.exists.return_value = False
        self.assertEqual(driver.hadoop_path_size(spark, "s3a://bucket/none"), 0)


# =====================================================================================================================
# Errors
# =====================================================================================================================

QUERY3 = "SELECT id,\n       name\nFORM events"


class ErrorPositionTests(unittest.TestCase):
    def test_parse_exception_spark_3_0_to_3_3(self):
        # ParseException.getMessage in sql/catalyst/.../parser/ParseDriver.scala (3.0-3.3): message + "(line l, pos p)"
        message = fs.parse_exception_message_3_3(QUERY3, "mismatched input 'FORM' expecting <EOF>", 3, 0)
        self.assertEqual(driver.extract_position(message), (3, 1))

    def test_parse_exception_spark_3_5(self):
        message = fs.parse_exception_message_3_5("SELECT 1 FORM t", "'FORM'.", 1, 9)
        self.assertIn("'FORM'.(line 1, pos 9)", message)  # docs/sql-ref-identifier.md shows this exact form
        self.assertEqual(driver.extract_position(message), (1, 10))

    def test_parse_exception_spark_4(self):
        message = fs.parse_exception_message_4_0(QUERY3, "'FORM'.", 3, 0)
        self.assertIn("SQLSTATE: 42601 (line 3, pos 0)", message)
        self.assertEqual(driver.extract_position(message), (3, 1))

    def test_analysis_exception(self):
        # AnalysisException.getMessage: "<message>; line L pos P;\n<plan>"
        spark33 = "Table or view not found: nosuch; line 1 pos 14;\n'Project [*]\n+- 'UnresolvedRelation [nosuch]\n"
        self.assertEqual(driver.extract_position(spark33), (1, 15))
        spark35 = ("[TABLE_OR_VIEW_NOT_FOUND] The table or view `nosuch` cannot be found. Verify the spelling and "
                   "correctness of the schema and catalog.\nIf you did not qualify the name with a schema, verify the "
                   "current_schema() output, or qualify the name with the correct schema and catalog.\nTo tolerate "
                   "the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS.; line 2 pos 5;\n'Project [*]\n")
        self.assertEqual(driver.extract_position(spark35), (2, 6))

    def test_query_context(self):
        # SQLQueryContext.summary: "== SQL(line 1, position 8) ==", the position already 1-based
        runtime = ("[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL "
                   "instead.\n== SQL(line 1, position 8) ==\nSELECT 1/0\n       ^^^\n")
        self.assertEqual(driver.extract_position(runtime), (1, 8))
        self.assertEqual(driver.extract_position(runtime.replace("SQL(line", "SQL (line")), (1, 8))
        view = "[DIVIDE_BY_ZERO] Division by zero.\n== SQL of VIEW v1(line 1, position 25) ==\nSELECT ...\n"
        self.assertEqual(driver.extract_position(view), (None, None))

    def test_caret_fallback_and_none(self):
        message = "\nsome parse error\n\n== SQL ==\nSELECT a,\n   b FORM t\n--------^^^\n"
        self.assertEqual(driver.extract_position(message), (2, 9))
        self.assertEqual(driver.extract_position("Job aborted."), (None, None))
        self.assertEqual(driver.extract_position(None), (None, None))


class ErrorKindTests(unittest.TestCase):
    def kind(self, exc):
        return driver.error_from_exception(exc).kind

    def test_kinds_by_class_name(self):
        self.assertEqual(self.kind(fs.ParseException("x")), "syntax")  # 3.4+: a subclass of AnalysisException
        self.assertEqual(self.kind(fs.Legacy.ParseException("x")), "syntax")
        self.assertEqual(self.kind(fs.AnalysisException("x")), "analysis")
        self.assertEqual(self.kind(fs.Legacy.AnalysisException("x")), "analysis")
        self.assertEqual(self.kind(fs.Py4JJavaError("o1.sql", "java.io.FileNotFoundException: s3://b/x")), "io")
        self.assertEqual(self.kind(OSError("disk full")), "io")
        self.assertEqual(self.kind(fs.Py4JJavaError("o1.sql", "org.apache.spark.SparkException: Job aborted")),
                         "internal")
        self.assertEqual(self.kind(KeyError("x")), "internal")

    def test_messages(self):
        error = driver.error_from_exception(fs.AnalysisException(
            "Column 'x' does not exist; line 1 pos 7;\n'Project ['x]\n+- OneRowRelation\n"))
        self.assertEqual(error.message, "Column 'x' does not exist; line 1 pos 7")  # no JVM trace, no plan
        self.assertEqual((error.line, error.column), (1, 8))
        error = driver.error_from_exception(KeyError("x"))
        self.assertEqual(error.message, "KeyError: 'x'")

    def test_message_from_str_when_there_is_no_desc(self):
        # e.g. Spark Connect's exceptions: no `desc`, and str() may carry "JVM stacktrace:" when it is enabled.
        class AnalysisException(Exception):
            def __str__(self):
                return "[UNRESOLVED_COLUMN] `x`; line 1 pos 7\n\nJVM stacktrace:\norg.apache.spark.sql.Analysis..."

        error = driver.error_from_exception(AnalysisException())
        self.assertEqual((error.kind, error.message, error.line, error.column),
                         ("analysis", "[UNRESOLVED_COLUMN] `x`; line 1 pos 7", 1, 8))
        error = driver.error_from_exception(driver.DriverError("mode", "m"))
        self.assertEqual((error.kind, error.message), ("mode", "m"))
        with self.assertRaises(ValueError):
            driver.DriverError("runtime", "not a contract kind")

    def test_failed_query_result(self):
        spark = fs.FakeSpark()
        spark.on(r"FORM", fs.ParseException(fs.parse_exception_message_3_5(QUERY3, "'FORM'.", 3, 0)))
        with TempDir() as tmp:
            code, out, err = run_driver(spark, query_request(QUERY3), tmp)
            result = read_result(tmp)
        self.assertEqual(code, 1)
        self.assertEqual(out, "")
        self.assertEqual(result["status"], "failed")
        self.assertEqual(result["error"], {
            "kind": "syntax", "line": 3, "column": 1,
            "message": "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'.(line 3, pos 0)\n\n== SQL ==\n"
                       "SELECT id,\n       name\nFORM events\n^^^"})
        self.assertEqual(err.strip(), result["error"]["message"])
        self.assertEqual((result["columns"], result["rows"], result["rowCount"], result["written"],
                          result["statistics"]), ([], [], 0, None, None))

    def test_failure_while_streaming_rows_leaves_only_the_failed_result(self):
        spark = fs.FakeSpark()
        schema = fs.schema_of(("d", fs.DateType()))
        spark.on(r"bad", spark.dataframe(schema, [[datetime.date(2026, 1, 1)], ["not a date"]]))
        with TempDir() as tmp:
            code, _, err = run_driver(spark, query_request("SELECT bad"), tmp)
            result = read_result(tmp)
            self.assertEqual(os.listdir(tmp), ["sheriff-sql-result.json"])
        self.assertEqual(code, 1)
        self.assertEqual(result["error"]["kind"], "internal")
        self.assertIn("AttributeError", result["error"]["message"])
        self.assertEqual(result["rows"], [])


# =====================================================================================================================
# Result file writing
# =====================================================================================================================

class ResultFileTests(unittest.TestCase):
    FIELDS = [("format", "sheriff-sql-result/1"), ("status", "succeeded"), ("rows", None), ("rowCount", 2)]

    def test_rows_are_streamed_one_per_line(self):
        produced = []

        def rows():
            for i in range(3):
                produced.append(i)
                yield [i, "é"]

        with TempDir() as tmp:
            driver.write_result(tmp, "r.json", self.FIELDS, rows())
            with open(os.path.join(tmp, "r.json"), "rb") as handle:
                raw = handle.read()
        self.assertEqual(produced, [0, 1, 2])
        self.assertEqual(json.loads(raw.decode("utf-8"))["rows"], [[0, "é"], [1, "é"], [2, "é"]])
        self.assertEqual(raw.splitlines()[3:8], [b'"rows":[', b'[0,"\\u00e9"],', b'[1,"\\u00e9"],',
                                                 b'[2,"\\u00e9"]],', b'"rowCount":2'])

    def test_atomic_replace_in_the_same_directory(self):
        calls = []
        real_replace = os.replace

        def spy(src, dst):
            calls.append((src, dst, os.path.exists(dst)))
            return real_replace(src, dst)

        with TempDir() as tmp:
            final = os.path.join(tmp, "r.json")
            with open(final, "w") as handle:
                handle.write("old")
            with mock.patch.object(driver.os, "replace", side_effect=spy):
                driver.write_result(tmp, "r.json", self.FIELDS, [[1]])
            self.assertEqual(len(calls), 1)
            src, dst, existed = calls[0]
            self.assertEqual((os.path.dirname(src), dst, existed), (tmp, final, True))
            self.assertNotEqual(src, final)
            self.assertEqual(read_json(final)["rows"], [[1]])
            self.assertEqual(os.listdir(tmp), ["r.json"])

    def test_failure_midway_keeps_the_old_file_and_no_temp(self):
        def rows():
            yield [1]
            raise RuntimeError("executor lost")

        with TempDir() as tmp:
            final = os.path.join(tmp, "r.json")
            with open(final, "w") as handle:
                handle.write("old")
            with self.assertRaises(RuntimeError):
                driver.write_result(tmp, "r.json", self.FIELDS, rows())
            with open(final) as handle:
                self.assertEqual(handle.read(), "old")
            self.assertEqual(os.listdir(tmp), ["r.json"])

    def test_nan_never_reaches_the_file(self):
        with TempDir() as tmp:
            with self.assertRaises(ValueError):
                driver.write_result(tmp, "r.json", self.FIELDS, [[float("nan")]])
            self.assertEqual(os.listdir(tmp), [])


if __name__ == "__main__":
    unittest.main()
