#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Sheriff SQL driver: runs one Sheriff SQL request (sheriff-sql/1) on Spark and writes the result file.

Sheriff ships this file as the main script of a SQL job:

    spark-submit [--conf k=v ...] --files sheriff-sql.json sheriff_sql_driver.py sheriff-sql.json

The one argument is the request file (relative to the job's working directory). The result goes to the request's
``resultFile`` (default ``sheriff-sql-result.json``) in the working directory. docs/sql.md describes both formats.

Plain Python 3.8+ with no dependency beyond pyspark, and pyspark is imported only inside ``main``/``build_session``:
the logic lives in ``run(spark, request, workdir)``, which takes any object with the small part of the SparkSession
API used here, so it can be tested without Spark.

Exit code 0 on success, 1 on failure (the failed result file is still written, and the message goes to stderr, so
that spark-submit - and the Genie job - fail).

Time zones: PySpark hands TimestampType values to Python as naive datetimes in the *Python process's* local time zone
(TimestampType.fromInternal uses datetime.fromtimestamp), not in spark.sql.session.timeZone. The encoder therefore
converts a naive timestamp with datetime.astimezone, which is the exact inverse of fromtimestamp (DST folds
included), and main() also sets TZ=UTC for this process so that the conversion is the identity. Separately, run()
sets spark.sql.session.timeZone=UTC - what SQL functions such as hour(ts), date_format or CAST('...' AS TIMESTAMP)
use - unless the job's Spark configuration sets it explicitly (--conf or spark-defaults), which then wins.
"""

import base64
import datetime
import decimal
import io
import json
import math
import os
import re
import struct
import sys
import time
import warnings

REQUEST_FORMAT = "sheriff-sql/1"
RESULT_FORMAT = "sheriff-sql-result/1"
DEFAULT_RESULT_FILE = "sheriff-sql-result.json"
DEFAULT_MAX_ROWS = 1000
ACTIONS = ("query", "analyze", "stats")
WRITE_MODES = ("overwrite", "append", "errorifexists")
OUTPUT_FORMATS = ("parquet", "orc", "json", "csv")
ERROR_KINDS = ("syntax", "analysis", "mode", "partition", "schema", "io", "unsupported", "internal")

# Spark records no time for statistics, so `analyze` stores its own in two table properties (stats reads them back):
PROP_COLLECTED_AT = "sheriff.statistics.collectedAt"  # last whole-table ANALYZE, ISO UTC
PROP_PARTITION_COLLECTED_AT = "sheriff.statistics.lastPartitionCollectedAt"  # JSON {"spec": {...}, "collectedAt": ...}

HIVE_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__"
SESSION_TIME_ZONE = "spark.sql.session.timeZone"

_UTC = datetime.timezone.utc


class DriverError(Exception):
    """A failure with a contract error kind; becomes the result file's "error"."""

    def __init__(self, kind, message, line=None, column=None):
        Exception.__init__(self, message)
        if kind not in ERROR_KINDS:
            raise ValueError("unknown error kind %r" % (kind,))
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column

    def to_json(self):
        return {"kind": self.kind, "message": self.message, "line": self.line, "column": self.column}


# --------------------------------------------------------------------------------------------------------------------
# Request
# --------------------------------------------------------------------------------------------------------------------

class TableName(object):
    """database.table; "t" alone means database "default"."""

    def __init__(self, database, name):
        self.database = database
        self.name = name

    @property
    def display(self):
        return "%s.%s" % (self.database, self.name)

    @property
    def quoted(self):
        return "%s.%s" % (quote_identifier(self.database), quote_identifier(self.name))

    def __eq__(self, other):
        return isinstance(other, TableName) and (self.database, self.name) == (other.database, other.name)

    def __repr__(self):
        return "TableName(%r, %r)" % (self.database, self.name)


class OutputSpec(object):
    def __init__(self, table, partition_by, mode, fmt, location):
        self.table = table
        self.partition_by = partition_by
        self.mode = mode
        self.format = fmt
        self.location = location


class Request(object):
    def __init__(self, action, query=None, output=None, max_rows=DEFAULT_MAX_ROWS, table=None, partition=None,
                 columns=None, all_columns=False, result_file=DEFAULT_RESULT_FILE):
        self.action = action
        self.query = query
        self.output = output
        self.max_rows = max_rows
        self.table = table
        self.partition = partition
        self.columns = columns
        self.all_columns = all_columns
        self.result_file = result_file


def _malformed(message):
    # The client writes the request, so a malformed one is Sheriff's own fault: kind "internal".
    return DriverError("internal", "The SQL request is not valid: " + message)


def parse_table_name(text, field):
    """Parses "db.t", "t" or backtick-quoted parts ("`my db`.`t`") into a TableName."""
    if not isinstance(text, str) or not text.strip():
        raise _malformed("'%s' must be a non-empty string." % field)
    parts = []
    current = []
    i = 0
    quoted_part = False
    while i < len(text):
        ch = text[i]
        if ch == "`":
            end = i + 1
            buf = []
            while True:
                if end >= len(text):
                    raise _malformed("'%s' has an unclosed backtick: %s" % (field, text))
                if text[end] == "`":
                    if end + 1 < len(text) and text[end + 1] == "`":
                        buf.append("`")
                        end += 2
                        continue
                    break
                buf.append(text[end])
                end += 1
            current.append("".join(buf))
            quoted_part = True
            i = end + 1
        elif ch == ".":
            parts.append(("".join(current), quoted_part))
            current = []
            quoted_part = False
            i += 1
        else:
            current.append(ch)
            i += 1
    parts.append(("".join(current), quoted_part))
    names = []
    for value, was_quoted in parts:
        name = value if was_quoted else value.strip()
        if not name:
            raise _malformed("'%s' has an empty name part: %s" % (field, text))
        names.append(name)
    if len(names) > 2:
        raise DriverError("unsupported", "Table '%s' has %d name parts; Sheriff SQL takes database.table or table."
                          % (text, len(names)))
    if len(names) == 1:
        return TableName("default", names[0])
    return TableName(names[0], names[1])


def _string_list(value, field):
    if value is None:
        return []
    if not isinstance(value, list):
        raise _malformed("'%s' must be a list of strings." % field)
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise _malformed("'%s' must hold non-empty strings." % field)
        out.append(item.strip())
    return out


def _partition_value_text(value, field):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int)):
        return str(value)
    if isinstance(value, float) and not (math.isnan(value) or math.isinf(value)):
        return repr(value)
    raise _malformed("'%s' values must be strings or numbers." % field)


def result_file_of(obj):
    """The request's resultFile when it is usable (used even when the rest of the request is not), else the default."""
    if isinstance(obj, dict):
        name = obj.get("resultFile")
        if _is_bare_file_name(name):
            return name
    return DEFAULT_RESULT_FILE


def _is_bare_file_name(name):
    return (isinstance(name, str) and name.strip() == name and name not in ("", ".", "..")
            and "/" not in name and "\\" not in name and "\x00" not in name)


def parse_request(obj):
    """Validates a decoded sheriff-sql/1 request and returns a Request. Raises DriverError."""
    if not isinstance(obj, dict):
        raise _malformed("the request must be a JSON object.")
    fmt = obj.get("format")
    if fmt is None:
        raise _malformed("'format' is missing.")
    if fmt != REQUEST_FORMAT:
        raise DriverError("unsupported", "The SQL request format '%s' is not supported by this driver (it reads %s)."
                          % (fmt, REQUEST_FORMAT))
    action = obj.get("action")
    if not isinstance(action, str):
        raise _malformed("'action' is missing.")
    if action not in ACTIONS:
        raise DriverError("unsupported", "The SQL action '%s' is not supported (query, analyze, stats)." % action)

    result_file = obj.get("resultFile", DEFAULT_RESULT_FILE)
    if result_file is None:
        result_file = DEFAULT_RESULT_FILE
    if not _is_bare_file_name(result_file):
        raise _malformed("'resultFile' must be a bare file name, not %r." % (result_file,))

    request = Request(action, result_file=result_file)
    if action == "query":
        query = obj.get("query")
        if not isinstance(query, str) or not query.strip():
            raise _malformed("'query' must be a non-empty string for action query.")
        request.query = query
        max_rows = obj.get("maxRows", DEFAULT_MAX_ROWS)
        if max_rows is None:
            max_rows = DEFAULT_MAX_ROWS
        if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 0:
            raise _malformed("'maxRows' must be a whole number >= 0, not %r." % (max_rows,))
        request.max_rows = max_rows
        output = obj.get("output")
        if output is not None:
            request.output = _parse_output(output)
    else:
        request.table = parse_table_name(obj.get("table"), "table")
        partition = obj.get("partition")
        if partition is not None:
            if not isinstance(partition, dict):
                raise _malformed("'partition' must be an object of column: value.")
            spec = []
            seen = set()
            for key, value in partition.items():
                if not isinstance(key, str) or not key.strip():
                    raise _malformed("'partition' keys must be column names.")
                if key.lower() in seen:
                    raise DriverError("partition", "The partition names column '%s' twice." % key)
                seen.add(key.lower())
                if value is None:
                    raise _malformed("'partition' value of '%s' is null; give the value." % key)
                spec.append((key.strip(), _partition_value_text(value, "partition")))
            request.partition = spec or None
        if action == "analyze":
            columns = _string_list(obj.get("columns"), "columns")
            all_columns = obj.get("allColumns", False)
            if all_columns is None:
                all_columns = False
            if not isinstance(all_columns, bool):
                raise _malformed("'allColumns' must be true or false.")
            if columns and all_columns:
                raise _malformed("'columns' and 'allColumns' cannot both be given.")
            request.columns = columns or None
            request.all_columns = all_columns
    return request


def _parse_output(output):
    if not isinstance(output, dict):
        raise _malformed("'output' must be an object or null.")
    table = parse_table_name(output.get("table"), "output.table")
    partition_by = _string_list(output.get("partitionBy"), "output.partitionBy")
    seen = set()
    for column in partition_by:
        if column.lower() in seen:
            raise DriverError("partition", "partitionBy names column '%s' twice." % column)
        seen.add(column.lower())
    mode = output.get("mode", "errorifexists")
    if mode is None:
        mode = "errorifexists"
    if not isinstance(mode, str):
        raise _malformed("'output.mode' must be a string.")
    if mode.lower() not in WRITE_MODES:
        raise DriverError("unsupported", "The write mode '%s' is not supported (overwrite, append, errorifexists)."
                          % mode)
    fmt = output.get("format", "parquet")
    if fmt is None:
        fmt = "parquet"
    if not isinstance(fmt, str):
        raise _malformed("'output.format' must be a string.")
    if fmt.lower() not in OUTPUT_FORMATS:
        raise DriverError("unsupported", "The table format '%s' is not supported (%s)."
                          % (fmt, ", ".join(OUTPUT_FORMATS)))
    location = output.get("location")
    if location is not None and (not isinstance(location, str) or not location.strip()):
        raise _malformed("'output.location' must be a non-empty string or null.")
    return OutputSpec(table, partition_by, mode.lower(), fmt.lower(), location)


def load_request(path):
    """Reads and validates the request file (UTF-8, a BOM tolerated). Raises DriverError."""
    try:
        with io.open(path, "rb") as handle:
            data = handle.read()
    except (IOError, OSError) as exc:
        raise DriverError("io", "Cannot read the SQL request file '%s': %s" % (path, exc))
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _malformed("'%s' is not UTF-8 JSON: %s" % (path, exc))
    try:
        return parse_request(obj)
    except DriverError as exc:
        exc.result_file = result_file_of(obj)
        raise


# --------------------------------------------------------------------------------------------------------------------
# SQL text
# --------------------------------------------------------------------------------------------------------------------

def quote_identifier(name):
    """A Spark SQL identifier in backticks (a backtick inside is doubled)."""
    return "`" + name.replace("`", "``") + "`"


def sql_string_literal(value):
    """A Spark SQL string literal: single quotes, with backslash and quote escaped by a backslash.

    Spark's string literals take backslash escapes (the default, spark.sql.parser.escapedStringLiterals=false); two
    quotes in a row are NOT an escaped quote in Spark 3.x (they are two adjacent literals, concatenated).
    """
    out = []
    for ch in str(value):
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def partition_clause(spec):
    """PARTITION (`k` = 'v', ...) from (key, value) pairs; a None value leaves the key unbound (all its values)."""
    items = []
    for key, value in spec:
        if value is None:
            items.append(quote_identifier(key))
        else:
            items.append("%s = %s" % (quote_identifier(key), sql_string_literal(value)))
    return "PARTITION (%s)" % ", ".join(items)


def build_analyze_sql(table, partition=None, columns=None, all_columns=False):
    """ANALYZE TABLE t [PARTITION (...)] COMPUTE STATISTICS [FOR COLUMNS a, b | FOR ALL COLUMNS]."""
    sql = "ANALYZE TABLE " + table.quoted
    if partition:
        sql += " " + partition_clause(partition)
    sql += " COMPUTE STATISTICS"
    if all_columns:
        sql += " FOR ALL COLUMNS"
    elif columns:
        sql += " FOR COLUMNS " + ", ".join(quote_identifier(c) for c in columns)
    return sql


def analyze_statements(table, partition, columns, all_columns, partition_columns):
    """The ANALYZE statements for a request, in order.

    - one partition asked for: that partition's size and row count;
    - a partitioned table, no partition asked for: every partition (PARTITION (`ds`) with no value) and the table;
    - column statistics (FOR COLUMNS / FOR ALL COLUMNS) are table-wide in Spark, which ignores (with a warning) a
      partition given with them; so they run as their own statement without the partition. That statement also
      refreshes the table's size and row count, so no separate table-level statement is needed then.
    """
    statements = []
    wants_columns = bool(columns) or all_columns
    if partition:
        statements.append(build_analyze_sql(table, partition=partition))
    elif partition_columns:
        statements.append(build_analyze_sql(table, partition=[(c, None) for c in partition_columns]))
        if not wants_columns:
            statements.append(build_analyze_sql(table))
    elif not wants_columns:
        statements.append(build_analyze_sql(table))
    if wants_columns:
        statements.append(build_analyze_sql(table, columns=columns, all_columns=all_columns))
    return statements


# --------------------------------------------------------------------------------------------------------------------
# Values: Spark type -> JSON, compiled once per column
# --------------------------------------------------------------------------------------------------------------------

def _type_key(data_type):
    for cls in type(data_type).__mro__:
        if cls.__name__ in _ENCODER_FACTORIES:
            return cls.__name__
    return None


def make_encoder(data_type):
    """A function value -> JSON-ready value for one Spark type (nested types recursively, by the type)."""
    key = _type_key(data_type)
    if key is None:
        return _encode_fallback
    return _ENCODER_FACTORIES[key](data_type)


def _encode_fallback(value):
    # A type outside the contract (intervals, user-defined types, variant): its text.
    return None if value is None else str(value)


def _encoder_bool(_):
    return lambda v: None if v is None else bool(v)


def _encoder_int(_):
    return lambda v: None if v is None else int(v)


def _encode_double(v):
    if v is None:
        return None
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def _shortest_float32(v):
    # A FloatType value reaches Python widened to a double (0.1f -> 0.10000000149011612); return the shortest decimal
    # that reads back as the same float32, which is what Spark itself prints (0.1).
    for digits in range(6, 10):
        candidate = float("%.*g" % (digits, v))
        try:
            if struct.unpack("<f", struct.pack("<f", candidate))[0] == v:
                return candidate
        except OverflowError:
            continue
    return v


def _encode_float(v):
    v = _encode_double(v)
    if isinstance(v, float):
        return _shortest_float32(v)
    return v


def _encoder_double(_):
    return _encode_double


def _encoder_float(_):
    return _encode_float


_DECIMAL_CONTEXT = decimal.Context(prec=100)


def _encoder_decimal(data_type):
    scale = getattr(data_type, "scale", None)
    quantum = decimal.Decimal(1).scaleb(-scale) if isinstance(scale, int) else None

    def encode(v):
        if v is None:
            return None
        d = v if isinstance(v, decimal.Decimal) else decimal.Decimal(str(v))
        if not d.is_finite():
            return str(d)
        if quantum is not None and d.as_tuple().exponent != -scale:
            d = d.quantize(quantum, context=_DECIMAL_CONTEXT)
        return format(d, "f")  # never scientific: Decimal('0E-10') -> '0.0000000000'
    return encode


def _encoder_string(_):
    return lambda v: None if v is None else (v if isinstance(v, str) else str(v))


def _encoder_binary(_):
    return lambda v: None if v is None else base64.b64encode(bytes(v)).decode("ascii")


def _encoder_date(_):
    def encode(v):
        if v is None:
            return None
        return "%04d-%02d-%02d" % (v.year, v.month, v.day)
    return encode


def _format_datetime(v):
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06d" % (v.year, v.month, v.day, v.hour, v.minute, v.second,
                                                     v.microsecond)


def encode_timestamp(v):
    """TimestampType -> "yyyy-MM-ddTHH:mm:ss.ffffffZ" (UTC).

    A naive datetime is in this process's local zone (that is how PySpark builds it), so astimezone() - which takes
    a naive datetime as local time and honours its fold - turns it back into the instant exactly.
    """
    if v is None:
        return None
    if isinstance(v, datetime.datetime):
        return _format_datetime(v.astimezone(_UTC)) + "Z"
    return str(v)


def encode_timestamp_ntz(v):
    """TimestampNTZType -> "yyyy-MM-ddTHH:mm:ss.ffffff" (the wall-clock value, no zone)."""
    if v is None:
        return None
    if isinstance(v, datetime.datetime):
        return _format_datetime(v)
    return str(v)


def _encoder_timestamp(_):
    return encode_timestamp


def _encoder_timestamp_ntz(_):
    return encode_timestamp_ntz


def _encoder_null(_):
    return lambda v: None


def _encoder_array(data_type):
    element = make_encoder(data_type.elementType)
    return lambda v: None if v is None else [element(x) for x in v]


def _encoder_map(data_type):
    key = make_encoder(data_type.keyType)
    value = make_encoder(data_type.valueType)
    return lambda v: None if v is None else [[key(k), value(x)] for k, x in v.items()]


def _encoder_struct(data_type):
    fields = [(f.name, make_encoder(f.dataType)) for f in data_type.fields]

    def encode(v):
        if v is None:
            return None
        if isinstance(v, dict):
            return dict((name, enc(v.get(name))) for name, enc in fields)
        return dict((name, enc(v[i])) for i, (name, enc) in enumerate(fields))
    return encode


_ENCODER_FACTORIES = {
    "BooleanType": _encoder_bool,
    "ByteType": _encoder_int,
    "ShortType": _encoder_int,
    "IntegerType": _encoder_int,
    "LongType": _encoder_int,
    "FloatType": _encoder_float,
    "DoubleType": _encoder_double,
    "DecimalType": _encoder_decimal,
    "StringType": _encoder_string,
    "CharType": _encoder_string,
    "VarcharType": _encoder_string,
    "BinaryType": _encoder_binary,
    "DateType": _encoder_date,
    "TimestampType": _encoder_timestamp,
    "TimestampNTZType": _encoder_timestamp_ntz,
    "NullType": _encoder_null,
    "ArrayType": _encoder_array,
    "MapType": _encoder_map,
    "StructType": _encoder_struct,
}


def describe_columns(schema):
    return [{"name": f.name, "type": f.dataType.simpleString()} for f in schema.fields]


def row_encoder(schema):
    """A function Row -> JSON-ready list, one encoder per column."""
    encoders = [make_encoder(f.dataType) for f in schema.fields]

    def encode(row):
        return [enc(row[i]) for i, enc in enumerate(encoders)]
    return encode


# --------------------------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------------------------

# ParseException.getMessage: "...(line 1, pos 9)" (3.0-3.5), "... SQLSTATE: 42601 (line 1, pos 9)" (4.x); pos is
# ANTLR's 0-based charPositionInLine, line is 1-based.
_PARSE_POSITION = re.compile(r"\(line (\d+), pos (\d+)\)")
# AnalysisException.getSimpleMessage: "<message>; line 1 pos 14" (+ ";\n<plan>" in getMessage); pos 0-based.
_ANALYSIS_POSITION = re.compile(r"; line (\d+) pos (\d+)")
# Query context summary (3.3+): "== SQL(line 1, position 8) ==" - position already 1-based. A context "of VIEW v1"
# points into the view's text, not the query, so it is not used.
_CONTEXT_POSITION = re.compile(r"== SQL( of [^=\n]*?)?\s*\(line (\d+), position (\d+)\) ==")
_SQL_SECTION = "\n== SQL ==\n"
_CARET_LINE = re.compile(r"^(-*)\^\^\^$")
_JVM_STACKTRACE = "\n\nJVM stacktrace:"
_JAVA_FRAME = re.compile(r"^\s+(at |\.\.\. \d+ more)")
_IO_ERROR = re.compile(r"java\.io\.|java\.nio\.file\.|org\.apache\.hadoop\.fs\.|FileNotFoundException|"
                       r"AccessDeniedException|FileAlreadyExistsException|AmazonS3Exception|S3Exception|NoSuchBucket")


def extract_position(message):
    """(line, column), both 1-based, from a Spark error message; (None, None) when it gives none."""
    if not message:
        return None, None
    match = _PARSE_POSITION.search(message)
    if match:
        return int(match.group(1)), int(match.group(2)) + 1
    match = _ANALYSIS_POSITION.search(message)
    if match:
        return int(match.group(1)), int(match.group(2)) + 1
    for match in _CONTEXT_POSITION.finditer(message):
        if not match.group(1):
            return int(match.group(2)), int(match.group(3))
    at = message.find(_SQL_SECTION)
    if at >= 0:
        # "== SQL ==" then the query's first `line` lines, then "-" * pos + "^^^".
        lines = message[at + len(_SQL_SECTION):].split("\n")
        for index, text in enumerate(lines):
            caret = _CARET_LINE.match(text)
            if caret and index > 0:
                return index, len(caret.group(1)) + 1
    return None, None


def exception_message(exc):
    """The engine's message of an exception, without PySpark's appended JVM stack trace or the analyzed plan."""
    desc = getattr(exc, "desc", None)
    if not isinstance(desc, str) or not desc:
        desc = getattr(exc, "_desc", None)
    if isinstance(desc, str) and desc:
        message = desc
    else:
        message = str(exc)
        if type(exc).__module__ == "builtins":
            message = "%s: %s" % (type(exc).__name__, message) if message else type(exc).__name__
    cut = message.find(_JVM_STACKTRACE)
    if cut >= 0:
        message = message[:cut]
    if "\n\tat " in message:
        # A Py4JJavaError's text carries the Java stack trace; keep the messages ("Caused by: ..."), not the frames.
        message = "\n".join(line for line in message.split("\n") if not _JAVA_FRAME.match(line))
    # AnalysisException.getMessage = "<msg>; line L pos P;\n<logical plan>": keep Spark's simple message.
    plan = re.search(r"; line \d+ pos \d+(;\n)", message)
    if plan:
        message = message[:plan.start(1)]
    return message.strip()


def _class_names(exc):
    return [cls.__name__ for cls in type(exc).__mro__]


def is_analysis_exception(exc):
    return "AnalysisException" in _class_names(exc) and "ParseException" not in _class_names(exc)


def error_from_exception(exc):
    """Any exception -> DriverError with a contract kind (Spark classes matched by name, as PySpark moves them)."""
    if isinstance(exc, DriverError):
        return exc
    names = _class_names(exc)
    message = exception_message(exc)
    if "ParseException" in names:
        kind = "syntax"
    elif "AnalysisException" in names:
        kind = "analysis"
    elif isinstance(exc, (IOError, OSError)) or _IO_ERROR.search(message[:1000]):
        kind = "io"
    else:
        kind = "internal"
    line, column = extract_position(message)
    return DriverError(kind, message or type(exc).__name__, line, column)


# --------------------------------------------------------------------------------------------------------------------
# Catalog helpers
# --------------------------------------------------------------------------------------------------------------------

def table_exists(spark, table):
    """True when the table (or view) exists. spark.catalog.tableExists on 3.3+, listTables before."""
    catalog = spark.catalog
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 3.4+ warns that dbName is deprecated; it still works and 3.3 needs it
        if hasattr(catalog, "tableExists"):
            return bool(catalog.tableExists(table.name, table.database))
        try:
            tables = catalog.listTables(table.database)
        except Exception as exc:
            if is_analysis_exception(exc):  # the database does not exist, so neither does the table
                return False
            raise
        wanted = table.name.lower()
        return any(t.name.lower() == wanted and not getattr(t, "isTemporary", False) for t in tables)


def table_columns(spark, table):
    """The table's columns in table order (partition columns last), each with .name and .isPartition."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(spark.catalog.listColumns(table.name, table.database))


def _cell(row, index):
    try:
        value = row[index]
    except (IndexError, KeyError):
        return ""
    return "" if value is None else str(value)


class DescribeInfo(object):
    """DESCRIBE TABLE EXTENDED output, parsed: columns, partition columns, and "# ..." sections of key -> value."""

    def __init__(self):
        self.columns = []
        self.partition_columns = []
        self.sections = {}

    def section(self, name):
        return self.sections.get(name, {})

    @property
    def table_info(self):
        return self.section("# Detailed Table Information")

    @property
    def partition_info(self):
        return self.section("# Detailed Partition Information")


def parse_describe(rows):
    """Parses DESCRIBE TABLE EXTENDED rows (col_name, data_type, comment).

    Layout (Spark 3.x DescribeTableCommand): the columns; "# Partition Information" + "# col_name" header + the
    partition columns; an empty row; "# Detailed Table Information" (or "# Detailed Partition Information" and
    "# Storage Information" for a partition) with key/value rows. The first value of a key in a section wins.
    """
    info = DescribeInfo()
    current = None
    for row in rows:
        name = _cell(row, 0).strip()
        value = _cell(row, 1)
        if name.startswith("#"):
            if name == "# col_name":
                continue
            current = name
            info.sections.setdefault(current, {})
            continue
        if not name:
            if current == "# Partition Information":
                current = "#"  # end of the partition columns; ignore rows until the next header
            continue
        if current is None:
            info.columns.append((name, value.strip()))
        elif current == "# Partition Information":
            info.partition_columns.append(name)
        elif current in info.sections:
            info.sections[current].setdefault(name, value.strip())
    return info


_STATISTICS = re.compile(r"^\s*(\d+)\s+bytes(?:\s*,\s*(\d+)\s+rows)?")


def parse_statistics(text):
    """"1234 bytes, 10 rows" (CatalogStatistics.simpleString) -> (1234, 10); "1234 bytes" -> (1234, None)."""
    if not text:
        return None, None
    match = _STATISTICS.match(text)
    if not match:
        return None, None
    return int(match.group(1)), (int(match.group(2)) if match.group(2) is not None else None)


def _unescape_path_name(text):
    # ExternalCatalogUtils.escapePathName writes special characters as %XX.
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


def parse_partition_name(text):
    """"ds=2026-11-26/hr=01" (SHOW PARTITIONS) -> [("ds", "2026-11-26"), ("hr", "01")]."""
    spec = []
    for part in text.split("/"):
        key, sep, value = part.partition("=")
        if not sep:
            continue
        spec.append((_unescape_path_name(key), _unescape_path_name(value)))
    return spec


def describe_table(spark, table, partition=None):
    sql = "DESCRIBE TABLE EXTENDED " + table.quoted
    if partition:
        sql += " " + partition_clause(partition)
    return parse_describe(spark.sql(sql).collect())


def table_properties(spark, table):
    """SHOW TBLPROPERTIES as a dict ({} when it cannot be read)."""
    try:
        rows = spark.sql("SHOW TBLPROPERTIES " + table.quoted).collect()
    except Exception:
        return {}
    props = {}
    for row in rows:
        key = _cell(row, 0)
        if key:
            props[key] = _cell(row, 1)
    return props


def list_partitions(spark, table, partition=None):
    sql = "SHOW PARTITIONS " + table.quoted
    if partition:
        sql += " " + partition_clause(partition)
    return [parse_partition_name(_cell(row, 0)) for row in spark.sql(sql).collect()]


def hadoop_path_size(spark, location):
    """Bytes under a location, through the Hadoop FileSystem API of the driver's JVM (getContentSummary).

    It counts every file under the path, including _SUCCESS markers and leftover _temporary/.staging files, which
    Spark's own size computation skips; for the "recorded size far from the real one" check that is fine.
    """
    jvm = spark._jvm
    try:
        conf = spark._jsparkSession.sessionState().newHadoopConf()  # includes fs.* options set in the SQL conf
    except Exception:
        conf = spark._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(location)
    fs = path.getFileSystem(conf)
    if not fs.exists(path):
        return 0
    return int(fs.getContentSummary(path).getLength())


# --------------------------------------------------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------------------------------------------------

class Context(object):
    def __init__(self, spark, workdir, measure_size, now, stdout, stderr):
        self.spark = spark
        self.workdir = workdir
        self.measure_size = measure_size
        self.now = now
        self.stdout = stdout
        self.stderr = stderr
        self.cleanup = []  # run after the result is written, whether the action succeeded or not

    def warn(self, message):
        self.stderr.write("sheriff-sql: warning: %s\n" % message)

    def timestamp(self):
        return self.now().astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Outcome(object):
    def __init__(self, columns=None, rows=None, row_count=0, truncated=False, written=None, statistics=None,
                 summary=""):
        self.columns = columns or []
        self.rows = rows
        self.row_count = row_count
        self.truncated = truncated
        self.written = written
        self.statistics = statistics
        self.summary = summary


def configure_session(spark):
    """spark.sql.session.timeZone=UTC unless the job's Spark configuration sets it (see the module docstring)."""
    explicit = False
    try:
        explicit = bool(spark.sparkContext.getConf().contains(SESSION_TIME_ZONE))
    except Exception:
        explicit = False
    if not explicit:
        spark.conf.set(SESSION_TIME_ZONE, "UTC")


def run_query(ctx, request):
    spark = ctx.spark
    df = spark.sql(request.query)
    schema = df.schema
    columns = describe_columns(schema)
    if request.output is not None:
        outcome = Outcome(columns=columns, rows=[])
        written = write_output(ctx, df, request.output)
        outcome.written = written
        outcome.row_count = written["rows"]
        outcome.truncated = outcome.row_count > 0  # the contract's rule: rowCount > rows returned (none here)
        outcome.summary = "wrote %d rows to %s (%s%s, %d partitions)" % (
            written["rows"], written["table"], written["mode"], ", created" if written["created"] else "",
            len(written["partitions"]))
        return outcome
    limit = request.max_rows
    taken = df.take(limit + 1)  # at most maxRows + 1 rows reach the driver
    returned = taken[:limit]
    row_count = int(df.count()) if len(taken) > limit else len(taken)
    encode = row_encoder(schema)
    outcome = Outcome(columns=columns, rows=(encode(row) for row in returned), row_count=row_count,
                      truncated=row_count > len(returned))
    outcome.summary = "%d columns, %d rows returned of %d%s" % (
        len(columns), len(returned), row_count, " (truncated)" if outcome.truncated else "")
    return outcome


def _partition_text(value):
    if value is None:
        return HIVE_DEFAULT_PARTITION
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


def _rows_and_partitions(df, partition_columns, partition_names):
    """Rows in the result and the partitions it holds ("ds=2026-11-26/hr=01"), in one Spark job.

    partition_columns are the result's column names, partition_names the names to show (the table's)."""
    if not partition_columns:
        return int(df.count()), []
    grouped = df.groupBy(*[quote_identifier(c) for c in partition_columns]).count().collect()
    total = 0
    partitions = set()
    width = len(partition_columns)
    for row in grouped:
        total += int(row[width])
        partitions.add("/".join("%s=%s" % (partition_names[i], _partition_text(row[i])) for i in range(width)))
    return total, sorted(partitions)


_INCOMPATIBLE = re.compile(r"incompatible|safely cast|CANNOT_UP_CAST|cannot be cast|data type mismatch|"
                           r"arity|not enough data columns|too many data columns", re.IGNORECASE)


def write_output(ctx, df, output):
    spark = ctx.spark
    table = output.table
    names = [f.name for f in df.schema.fields]
    by_lower = {}
    for name in names:
        if name.lower() in by_lower:
            raise DriverError("schema", "The query result has two columns named '%s'; a table needs unique column "
                                        "names." % name)
        by_lower[name.lower()] = name
    missing = [c for c in output.partition_by if c.lower() not in by_lower]
    if missing:
        raise DriverError("partition", "Partition column(s) %s are not in the query result (its columns: %s)."
                          % (", ".join(missing), ", ".join(names)))
    if output.partition_by and len(output.partition_by) == len(names):
        raise DriverError("partition", "Every column of the result is a partition column; a table needs at least "
                                       "one data column.")

    exists = table_exists(spark, table)
    if exists:
        if output.mode == "errorifexists":
            raise DriverError("mode", "Table %s already exists and the write mode is errorifexists." % table.display)
        existing = table_columns(spark, table)
        existing_partitions = [c.name for c in existing if c.isPartition]
        if [c.lower() for c in existing_partitions] != [c.lower() for c in output.partition_by]:
            raise DriverError("partition", "Table %s is %s, but the request partitions by %s." % (
                table.display,
                "partitioned by (%s)" % ", ".join(existing_partitions) if existing_partitions else "not partitioned",
                "(%s)" % ", ".join(output.partition_by) if output.partition_by else "nothing"))
        table_names = [c.name for c in existing]
        table_lower = set(c.lower() for c in table_names)
        absent = [c for c in table_names if c.lower() not in by_lower]
        extra = [c for c in names if c.lower() not in table_lower]
        if absent or extra:
            parts = []
            if absent:
                parts.append("the result lacks %s" % ", ".join(absent))
            if extra:
                parts.append("the table has no column %s" % ", ".join(extra))
            raise DriverError("schema", "The query result does not match table %s: %s. Table columns: %s."
                              % (table.display, "; ".join(parts), ", ".join(table_names)))
        partition_names = existing_partitions
        # insertInto is by position: the table's column order, partition columns last.
        source = df.select(*[quote_identifier(by_lower[c.lower()]) for c in table_names])
    else:
        partition_names = [by_lower[c.lower()] for c in output.partition_by]
        source = df

    # One cache, so that the counting job and the write see the same rows and the query runs once.
    df.cache()
    ctx.cleanup.append(df.unpersist)
    rows, partitions = _rows_and_partitions(df, [by_lower[c.lower()] for c in partition_names], partition_names)

    if exists:
        if output.mode == "overwrite":
            spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic")
        if partition_names:
            spark.conf.set("hive.exec.dynamic.partition", "true")  # Hive-format tables
            spark.conf.set("hive.exec.dynamic.partition.mode", "nonstrict")
        try:
            source.write.insertInto(table.quoted, overwrite=(output.mode == "overwrite"))
        except Exception as exc:
            if is_analysis_exception(exc) and _INCOMPATIBLE.search(exception_message(exc)):
                error = error_from_exception(exc)
                raise DriverError("schema", error.message, error.line, error.column)
            raise
    else:
        # errorifexists, not overwrite: the table was just found missing, and a table created meanwhile must not be
        # replaced. (Spark writes the data of a new table in overwrite mode either way.)
        writer = df.write.mode("errorifexists").format(output.format)
        if partition_names:
            writer = writer.partitionBy(*partition_names)
        if output.location:
            writer = writer.option("path", output.location)
        writer.saveAsTable(table.quoted)

    location = None
    try:
        location = describe_table(spark, table).table_info.get("Location") or None
    except Exception as exc:
        ctx.warn("the data was written but the location of %s could not be read: %s"
                 % (table.display, exception_message(exc)))
    return {"table": table.display, "rows": rows, "partitions": partitions, "location": location,
            "mode": output.mode, "created": not exists}


def _check_partition(table, partition, partition_columns):
    if not partition:
        return
    if not partition_columns:
        raise DriverError("partition", "Table %s is not partitioned, but a partition was given." % table.display)
    known = set(c.lower() for c in partition_columns)
    unknown = [k for k, _ in partition if k.lower() not in known]
    if unknown:
        raise DriverError("partition", "%s %s not a partition column of %s (partition columns: %s)." % (
            ", ".join(unknown), "is" if len(unknown) == 1 else "are", table.display, ", ".join(partition_columns)))


def run_analyze(ctx, request):
    spark = ctx.spark
    table = request.table
    info = describe_table(spark, table)
    _check_partition(table, request.partition, info.partition_columns)
    statements = analyze_statements(table, request.partition, request.columns, request.all_columns,
                                    info.partition_columns)
    for sql in statements:
        spark.sql(sql)
    # Spark keeps no time for statistics: record it in a table property (failure to do so is only a warning).
    at = ctx.timestamp()
    if request.partition:
        key, value = PROP_PARTITION_COLLECTED_AT, json.dumps(
            {"spec": dict(request.partition), "collectedAt": at}, sort_keys=True, separators=(",", ":"))
    else:
        key, value = PROP_COLLECTED_AT, at
    try:
        spark.sql("ALTER TABLE %s SET TBLPROPERTIES (%s = %s)"
                  % (table.quoted, sql_string_literal(key), sql_string_literal(value)))
    except Exception as exc:
        ctx.warn("statistics were computed but the time could not be recorded: %s" % exception_message(exc))
    statistics = collect_statistics(ctx, table, request.partition)  # DESCRIBE again: after ANALYZE
    outcome = Outcome(statistics=statistics)
    outcome.summary = "analyzed %s (%d statements)" % (table.display, len(statements))
    return outcome


def run_stats(ctx, request):
    table = request.table
    info = describe_table(ctx.spark, table)
    _check_partition(table, request.partition, info.partition_columns)
    statistics = collect_statistics(ctx, table, request.partition, info)
    outcome = Outcome(statistics=statistics)
    outcome.summary = "statistics of %s: %s bytes recorded, %s bytes measured" % (
        table.display, statistics["sizeInBytes"], statistics["actualSizeInBytes"])
    return outcome


def _spec_matches(spec, wanted):
    values = dict((k.lower(), v) for k, v in spec)
    return all(values.get(k.lower()) == str(v) for k, v in wanted.items())


def _inside(path, root):
    if not path or not root:
        return False
    root = root.rstrip("/") + "/"
    return (path.rstrip("/") + "/").startswith(root)


def _measure(ctx, location):
    if not location:
        return None
    try:
        return int(ctx.measure_size(ctx.spark, location))
    except Exception as exc:
        ctx.warn("could not measure the size of %s: %s" % (location, exception_message(exc)))
        return None


def collect_statistics(ctx, table, partition, info=None):
    """Recorded statistics (DESCRIBE ... EXTENDED, per partition too) and the real size of the files.

    collectedAt: Spark does not record when statistics were computed (DESCRIBE shows no such time), so it comes from
    the table properties Sheriff's analyze writes (PROP_COLLECTED_AT, PROP_PARTITION_COLLECTED_AT), and is null
    when the table was analyzed by something else, or when no statistics are recorded (Spark drops them when data
    changes and spark.sql.statistics.size.autoUpdate.enabled is off, while the property stays).
    """
    spark = ctx.spark
    if info is None:
        info = describe_table(spark, table)
    props = table_properties(spark, table)
    table_time = props.get(PROP_COLLECTED_AT) or None
    last_partition = None
    try:
        parsed = json.loads(props.get(PROP_PARTITION_COLLECTED_AT) or "null")
        if isinstance(parsed, dict) and isinstance(parsed.get("spec"), dict) and parsed.get("collectedAt"):
            last_partition = parsed
    except ValueError:
        last_partition = None

    details = info.table_info
    size, rows = parse_statistics(details.get("Statistics"))
    location = details.get("Location") or None

    partitions = []
    outside = 0
    if info.partition_columns:
        for spec in list_partitions(spark, table, partition):
            try:
                pinfo = describe_table(spark, table, spec).partition_info
            except Exception as exc:
                ctx.warn("could not describe partition %s: %s"
                         % ("/".join("%s=%s" % kv for kv in spec), exception_message(exc)))
                pinfo = {}
            psize, prows = parse_statistics(pinfo.get("Partition Statistics"))
            plocation = pinfo.get("Location") or None
            pactual = _measure(ctx, plocation)
            if pactual is not None and plocation and not _inside(plocation, location):
                outside += pactual  # a partition with its own location outside the table's directory
            candidates = []
            if psize is not None:
                if table_time:
                    candidates.append(table_time)
                if last_partition and _spec_matches(spec, last_partition["spec"]):
                    candidates.append(last_partition["collectedAt"])
            partitions.append({"spec": dict(spec), "sizeInBytes": psize, "rowCount": prows,
                               "collectedAt": max(candidates) if candidates else None,
                               "actualSizeInBytes": pactual})
    actual = _measure(ctx, location)
    if actual is not None:
        actual += outside
    return {
        "table": table.display,
        "location": location,
        "partitionColumns": list(info.partition_columns),
        "sizeInBytes": size,
        "rowCount": rows,
        "collectedAt": table_time if size is not None else None,
        "actualSizeInBytes": actual,
        "partitions": partitions,
        "columns": column_statistics(ctx, table, info),
    }


def _stat_value(text):
    return None if text is None or text == "" or text == "NULL" else text


def _stat_int(text):
    text = _stat_value(text)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def column_statistics(ctx, table, info):
    """Column statistics from DESCRIBE TABLE EXTENDED t col (one catalog call per column); only columns that have
    some. min/max stay as the text Spark shows."""
    out = []
    names = [name for name, _ in info.columns]
    for name in names:
        try:
            rows = ctx.spark.sql("DESCRIBE TABLE EXTENDED %s %s" % (table.quoted, quote_identifier(name))).collect()
        except Exception:
            continue
        values = dict((_cell(r, 0), _cell(r, 1)) for r in rows)
        stat = {"name": name, "distinctCount": _stat_int(values.get("distinct_count")),
                "nullCount": _stat_int(values.get("num_nulls")), "min": _stat_value(values.get("min")),
                "max": _stat_value(values.get("max"))}
        if any(stat[k] is not None for k in ("distinctCount", "nullCount", "min", "max")):
            out.append(stat)
    return out


# --------------------------------------------------------------------------------------------------------------------
# Result file
# --------------------------------------------------------------------------------------------------------------------

def _dumps(value):
    # allow_nan=False: a NaN that slipped past the encoders fails here instead of writing invalid JSON.
    return json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":"))


def write_result(workdir, name, fields, rows=None):
    """Writes the result file atomically: a temporary file in the same directory, then os.replace.

    fields: (key, value) pairs in order; the value of "rows" is ignored and the rows iterable is streamed there, one
    JSON array per line, encoded as it is written (never one big string). On any error the temporary file is removed
    and an existing result file is left as it was.
    """
    final = os.path.join(workdir, name)
    temp = os.path.join(workdir, ".%s.%d.tmp" % (name, os.getpid()))
    try:
        with io.open(temp, "w", encoding="utf-8", newline="\n") as out:
            out.write("{")
            for index, (key, value) in enumerate(fields):
                out.write("," if index else "")
                out.write("\n" + _dumps(key) + ":")
                if key == "rows":
                    out.write("[")
                    first = True
                    for row in (rows if rows is not None else ()):
                        out.write("\n" if first else ",\n")
                        out.write(_dumps(row))
                        first = False
                    out.write("]")
                else:
                    out.write(_dumps(value))
            out.write("\n}\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, final)
    except BaseException:
        try:
            os.remove(temp)
        except OSError:
            pass
        raise
    return final


def _result_fields(engine, status, error=None, outcome=None):
    outcome = outcome or Outcome()
    return [
        ("format", RESULT_FORMAT),
        ("engine", engine),
        ("status", status),
        ("error", error.to_json() if error is not None else None),
        ("columns", outcome.columns),
        ("rows", None),
        ("rowCount", outcome.row_count),
        ("truncated", outcome.truncated),
        ("written", outcome.written),
        ("statistics", outcome.statistics),
    ]


def write_failure(workdir, result_file, engine, error, stderr):
    """Writes the failed result and prints the message to stderr. Returns the exit code (1)."""
    stderr.write(error.message + "\n")
    try:
        write_result(workdir, result_file, _result_fields(engine, "failed", error=error))
    except Exception as exc:
        stderr.write("sheriff-sql: could not write the result file %s: %s\n" % (result_file, exc))
    return 1


def engine_name(spark):
    version = getattr(spark, "version", None)
    return "spark %s" % version if version else "spark"


def _default_now():
    return datetime.datetime.now(_UTC)


def run(spark, request, workdir=None, measure_size=None, now=None, stdout=None, stderr=None):
    """Runs a request (a dict as decoded from sheriff-sql.json, or a Request) on a session; writes the result file.

    Returns the exit code: 0 succeeded, 1 failed (the failed result is written and the message printed to stderr).
    measure_size(spark, location) -> bytes and now() -> aware datetime are replaceable for tests.
    """
    workdir = workdir or os.getcwd()
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    ctx = Context(spark, workdir, measure_size or hadoop_path_size, now or _default_now, stdout, stderr)
    result_file = request.result_file if isinstance(request, Request) else result_file_of(request)
    engine = engine_name(spark)
    outcome = None
    try:
        try:
            req = request if isinstance(request, Request) else parse_request(request)
            configure_session(spark)
            if req.action == "query":
                outcome = run_query(ctx, req)
            elif req.action == "analyze":
                outcome = run_analyze(ctx, req)
            else:
                outcome = run_stats(ctx, req)
            write_result(workdir, result_file, _result_fields(engine, "succeeded", outcome=outcome), outcome.rows)
        except Exception as exc:
            return write_failure(workdir, result_file, engine, error_from_exception(exc), stderr)
    finally:
        for cleanup in ctx.cleanup:
            try:
                cleanup()
            except Exception:
                pass
    stdout.write("sheriff-sql: succeeded: %s\n" % outcome.summary)
    return 0


# --------------------------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------------------------

USAGE = "usage: sheriff_sql_driver.py <request.json>  (Sheriff SQL request, format %s)" % REQUEST_FORMAT


def use_utc_process_time_zone():
    """TZ=UTC for this Python process, so PySpark's naive local timestamps are UTC (see the module docstring)."""
    os.environ["TZ"] = "UTC"
    if hasattr(time, "tzset"):
        time.tzset()


def build_session(request):
    """SparkSession.builder...enableHiveSupport().getOrCreate(); pyspark is imported here, not at module load."""
    from pyspark import SparkConf
    from pyspark.sql import SparkSession
    conf = SparkConf()
    builder = SparkSession.builder
    app = conf.get("spark.app.name", None)
    if not app or app == os.path.basename(__file__):
        builder = builder.appName("sheriff-sql %s" % request.action)
    if not conf.contains("spark.sql.catalogImplementation"):  # an explicit catalog setting wins
        builder = builder.enableHiveSupport()
    return builder.getOrCreate()


def _engine_before_session():
    try:
        import pyspark
        return "spark %s" % pyspark.__version__
    except Exception:
        return "spark"


def main(argv=None, session_factory=None, stdout=None, stderr=None):
    """Command line: one argument, the request file. Returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    workdir = os.getcwd()
    use_utc_process_time_zone()
    if len(argv) != 1 or argv[0].startswith("-"):
        return write_failure(workdir, DEFAULT_RESULT_FILE, _engine_before_session(),
                             DriverError("internal", "%s; got %d argument(s): %s"
                                         % (USAGE, len(argv), " ".join(argv))), stderr)
    try:
        request = load_request(argv[0])
    except DriverError as exc:
        return write_failure(workdir, getattr(exc, "result_file", DEFAULT_RESULT_FILE), _engine_before_session(),
                             exc, stderr)
    try:
        spark = (session_factory or build_session)(request)
    except Exception as exc:
        return write_failure(workdir, request.result_file, _engine_before_session(), error_from_exception(exc),
                             stderr)
    try:
        return run(spark, request, workdir, stdout=stdout, stderr=stderr)
    finally:
        try:
            spark.stop()
        except Exception:
            pass


if __name__ == "__main__":
    sys.exit(main())
