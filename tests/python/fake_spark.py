"""A stand-in for the small part of the PySpark API that sheriff_sql_driver uses (pyspark cannot be installed here).

It is deliberately small and explicit. What it models, and where from (PySpark 3.5 unless noted):
- types: the DataType classes by their PySpark class names, with simpleString() as Spark prints it;
- Row: a tuple with field names (pyspark.sql.Row), values positional;
- timestamps: pyspark_timestamp(micros) builds the value exactly as TimestampType.fromInternal does
  (datetime.fromtimestamp in the *process* time zone), timestamp_ntz as TimestampNTZType.fromInternal;
- exceptions: AnalysisException / ParseException look-alikes in both hierarchies (3.4+: ParseException is an
  AnalysisException; 3.0-3.3: both derive from CapturedException only), with `desc` like CapturedException;
- a DataFrame that counts its actions, a writer that changes a tiny catalog (create, insertInto with static or
  dynamic partition overwrite, positional like Spark), DESCRIBE TABLE EXTENDED output in Spark 3.x's layout,
  SHOW PARTITIONS / SHOW TBLPROPERTIES / ALTER TABLE SET TBLPROPERTIES / ANALYZE TABLE.
It does not run SQL: tests register the DataFrame (or exception) a query text returns with FakeSpark.on().
"""

import datetime
import re


# ---------------------------------------------------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------------------------------------------------

class DataType(object):
    name = None

    def simpleString(self):
        return self.name

    def __repr__(self):
        return self.simpleString()

    def __eq__(self, other):
        return type(self) is type(other) and self.simpleString() == other.simpleString()

    def __hash__(self):
        return hash(self.simpleString())


class BooleanType(DataType):
    name = "boolean"


class ByteType(DataType):
    name = "tinyint"


class ShortType(DataType):
    name = "smallint"


class IntegerType(DataType):
    name = "int"


class LongType(DataType):
    name = "bigint"


class FloatType(DataType):
    name = "float"


class DoubleType(DataType):
    name = "double"


class StringType(DataType):
    name = "string"


class BinaryType(DataType):
    name = "binary"


class DateType(DataType):
    name = "date"


class TimestampType(DataType):
    name = "timestamp"


class TimestampNTZType(DataType):
    name = "timestamp_ntz"


class NullType(DataType):
    name = "void"


class DayTimeIntervalType(DataType):
    name = "interval day to second"


class DecimalType(DataType):
    def __init__(self, precision=10, scale=0):
        self.precision = precision
        self.scale = scale

    def simpleString(self):
        return "decimal(%d,%d)" % (self.precision, self.scale)


class ArrayType(DataType):
    def __init__(self, elementType, containsNull=True):
        self.elementType = elementType
        self.containsNull = containsNull

    def simpleString(self):
        return "array<%s>" % self.elementType.simpleString()


class MapType(DataType):
    def __init__(self, keyType, valueType, valueContainsNull=True):
        self.keyType = keyType
        self.valueType = valueType
        self.valueContainsNull = valueContainsNull

    def simpleString(self):
        return "map<%s,%s>" % (self.keyType.simpleString(), self.valueType.simpleString())


class StructField(object):
    def __init__(self, name, dataType, nullable=True):
        self.name = name
        self.dataType = dataType
        self.nullable = nullable


class StructType(DataType):
    def __init__(self, fields=None):
        self.fields = list(fields or [])

    def simpleString(self):
        return "struct<%s>" % ",".join("%s:%s" % (f.name, f.dataType.simpleString()) for f in self.fields)

    @property
    def names(self):
        return [f.name for f in self.fields]


def schema_of(*pairs):
    """schema_of(("id", LongType()), ("name", StringType())) -> StructType."""
    return StructType([StructField(name, data_type) for name, data_type in pairs])


def pyspark_timestamp(micros):
    """A TimestampType value as PySpark 3.x/4.x builds it (TimestampType.fromInternal)."""
    return datetime.datetime.fromtimestamp(micros // 1000000).replace(microsecond=micros % 1000000)


def pyspark_timestamp_ntz(micros):
    """A TimestampNTZType value as PySpark builds it (TimestampNTZType.fromInternal)."""
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=micros)


# ---------------------------------------------------------------------------------------------------------------------
# Row
# ---------------------------------------------------------------------------------------------------------------------

class Row(tuple):
    """pyspark.sql.Row: a tuple whose values also answer by field name."""

    def __new__(cls, *args, **kwargs):
        if kwargs:
            row = tuple.__new__(cls, kwargs.values())
            row.__fields__ = list(kwargs.keys())
            return row
        return tuple.__new__(cls, args)

    @classmethod
    def of(cls, names, values):
        row = tuple.__new__(cls, values)
        row.__fields__ = list(names)
        return row

    def __getattr__(self, item):
        if item.startswith("__"):
            raise AttributeError(item)
        try:
            return self[self.__fields__.index(item)]
        except (AttributeError, ValueError):
            raise AttributeError(item)


# ---------------------------------------------------------------------------------------------------------------------
# Exceptions (look-alikes, matched by class name in the driver)
# ---------------------------------------------------------------------------------------------------------------------

class CapturedException(Exception):
    def __init__(self, desc, stackTrace="org.apache.spark...\n\tat Foo.bar(Foo.scala:1)"):
        Exception.__init__(self, desc)
        self.desc = desc
        self.stackTrace = stackTrace

    def __str__(self):
        # PySpark appends the JVM stack trace when spark.sql.pyspark.jvmStacktrace.enabled (or when it cannot tell).
        return self.desc + "\n\nJVM stacktrace:\n" + self.stackTrace


class AnalysisException(CapturedException):
    """pyspark.errors.exceptions.captured.AnalysisException (3.4+) / pyspark.sql.utils.AnalysisException."""


class ParseException(AnalysisException):
    """3.4+: ParseException derives from AnalysisException."""


class Legacy(object):
    """3.0-3.3 (pyspark.sql.utils): ParseException is NOT an AnalysisException."""

    class AnalysisException(CapturedException):
        pass

    class ParseException(CapturedException):
        pass


class Py4JJavaError(Exception):
    """py4j.protocol.Py4JJavaError: str() is the call, then the Java exception's toString and stack frames."""

    def __init__(self, call, java_text):
        Exception.__init__(self, call)
        self.errmsg = "An error occurred while calling %s.\n" % call
        self.java_text = java_text

    def __str__(self):
        return self.errmsg + ": " + self.java_text


# Messages as Spark 3.x / 4.x build them (see the tests for the source of each).
def parse_exception_message_3_3(query, error, line, pos):
    """ParseException.getMessage (Spark 3.0-3.3): "\\n<msg>(line l, pos p)\\n\\n== SQL ==\\n<above>\\n---^^^\\n<below>"."""
    return _parse_message(query, error, line, pos, "")


def parse_exception_message_3_5(query, error, line, pos):
    """Spark 3.4/3.5: "[PARSE_SYNTAX_ERROR] Syntax error at or near ...(line l, pos p)" + the SQL section."""
    return _parse_message(query, "[PARSE_SYNTAX_ERROR] Syntax error at or near " + error, line, pos, "")


def parse_exception_message_4_0(query, error, line, pos):
    """Spark 4.x: "... SQLSTATE: 42601 (line l, pos p)" (a space before the parenthesis)."""
    return _parse_message(query, "[PARSE_SYNTAX_ERROR] Syntax error at or near %s SQLSTATE: 42601" % error,
                          line, pos, " ")


def _parse_message(query, message, line, pos, space):
    lines = query.split("\n")
    above, below = lines[:line], lines[line:]
    text = "\n" + message + space + "(line %d, pos %d)\n" % (line, pos)
    text += "\n== SQL ==\n"
    for item in above:
        text += item + "\n"
    text += "-" * pos + "^^^\n"
    for item in below:
        text += item + "\n"
    return text


# ---------------------------------------------------------------------------------------------------------------------
# DataFrame and writer
# ---------------------------------------------------------------------------------------------------------------------

def unquote(name):
    name = name.strip()
    if len(name) >= 2 and name[0] == "`" and name[-1] == "`":
        return name[1:-1].replace("``", "`")
    return name


class FakeDataFrame(object):
    def __init__(self, schema, rows, spark=None, actions=None):
        self.schema = schema
        self._rows = [r if isinstance(r, Row) else Row.of(schema.names, r) for r in rows]
        self.spark = spark
        self.actions = actions if actions is not None else []
        self.cached = False
        self.unpersisted = False

    @property
    def columns(self):
        return self.schema.names

    # actions
    def take(self, n):
        self.actions.append(("take", n))
        return list(self._rows[:n])

    def collect(self):
        self.actions.append(("collect",))
        return list(self._rows)

    def count(self):
        self.actions.append(("count",))
        return len(self._rows)

    # transformations
    def limit(self, n):
        return FakeDataFrame(self.schema, self._rows[:n], self.spark, self.actions)

    def cache(self):
        self.cached = True
        self.actions.append(("cache",))
        return self

    def unpersist(self, blocking=False):
        self.unpersisted = True
        self.actions.append(("unpersist",))
        return self

    def _index(self, name):
        wanted = unquote(name).lower()
        for i, field in enumerate(self.schema.fields):
            if field.name.lower() == wanted:
                return i
        raise AnalysisException("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name "
                                "`%s` cannot be resolved." % unquote(name))

    def select(self, *cols):
        indexes = [self._index(c) for c in cols]
        schema = StructType([self.schema.fields[i] for i in indexes])
        rows = [[row[i] for i in indexes] for row in self._rows]
        return FakeDataFrame(schema, rows, self.spark, self.actions)

    def groupBy(self, *cols):
        return _Grouped(self, [self._index(c) for c in cols])

    @property
    def write(self):
        return FakeWriter(self)


class _Grouped(object):
    def __init__(self, df, indexes):
        self.df = df
        self.indexes = indexes

    def count(self):
        counts = {}
        order = []
        for row in self.df._rows:
            key = tuple(row[i] for i in self.indexes)
            if key not in counts:
                counts[key] = 0
                order.append(key)
            counts[key] += 1
        fields = [self.df.schema.fields[i] for i in self.indexes] + [StructField("count", LongType(), False)]
        return FakeDataFrame(StructType(fields), [list(k) + [counts[k]] for k in order], self.df.spark,
                             self.df.actions)


class FakeWriter(object):
    def __init__(self, df):
        self.df = df
        self.calls = []
        self._mode = "errorifexists"
        self._format = "parquet"
        self._partition_by = []
        self._options = {}

    def mode(self, mode):
        self.calls.append(("mode", mode))
        self._mode = mode
        return self

    def format(self, fmt):
        self.calls.append(("format", fmt))
        self._format = fmt
        return self

    def partitionBy(self, *cols):
        self.calls.append(("partitionBy",) + cols)
        self._partition_by = list(cols)
        return self

    def option(self, key, value):
        self.calls.append(("option", key, value))
        self._options[key] = value
        return self

    def saveAsTable(self, name):
        self.calls.append(("saveAsTable", name))
        spark = self.df.spark
        spark.writes.append(self)
        if spark.fail_next_write is not None:
            error, spark.fail_next_write = spark.fail_next_write, None
            raise error
        database, table = spark.parse_table(name)
        if spark.find_table(database, table) is not None and self._mode in ("errorifexists", "error", "default"):
            raise AnalysisException("[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view `%s`.`%s` because "
                                    "it already exists." % (database, table))
        fields = self.df.schema.fields
        data = [f for f in fields if f.name not in self._partition_by]
        parts = [next(f for f in fields if f.name == p) for p in self._partition_by]
        columns = data + parts
        order = [fields.index(f) for f in columns]
        location = self._options.get("path") or "file:/warehouse/%s.db/%s" % (database, table)
        created = FakeTable(database, table, [(f.name, f.dataType, f in parts) for f in columns], location,
                            self._format, external="path" in self._options)
        created.rows = [tuple(row[i] for i in order) for row in self.df._rows]
        spark.tables[(database, table)] = created

    def insertInto(self, tableName, overwrite=None):
        self.calls.append(("insertInto", tableName, overwrite))
        spark = self.df.spark
        spark.writes.append(self)
        if spark.fail_next_write is not None:
            error, spark.fail_next_write = spark.fail_next_write, None
            raise error
        database, table = spark.parse_table(tableName)
        target = spark.find_table(database, table)
        if target is None:
            raise AnalysisException("[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s`.`%s` cannot be found."
                                    % (database, table))
        if len(self.df.schema.fields) != len(target.columns):
            raise AnalysisException("[INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS] Cannot write to "
                                    "`%s`.`%s`, the reason is not enough data columns" % (database, table))
        new_rows = [tuple(row) for row in self.df._rows]  # by position, like Spark
        if overwrite:
            part_idx = [i for i, c in enumerate(target.columns) if c[2]]
            dynamic = spark.conf.get("spark.sql.sources.partitionOverwriteMode", "static").lower() == "dynamic"
            if part_idx and dynamic:
                touched = set(tuple(r[i] for i in part_idx) for r in new_rows)
                target.rows = [r for r in target.rows if tuple(r[i] for i in part_idx) not in touched]
            else:
                target.rows = []
        target.rows.extend(new_rows)


# ---------------------------------------------------------------------------------------------------------------------
# Catalog and session
# ---------------------------------------------------------------------------------------------------------------------

class CatalogColumn(object):
    """pyspark.sql.catalog.Column."""

    def __init__(self, name, dataType, isPartition):
        self.name = name
        self.description = None
        self.dataType = dataType
        self.nullable = True
        self.isPartition = isPartition
        self.isBucket = False


class CatalogTable(object):
    """pyspark.sql.catalog.Table."""

    def __init__(self, name, database, isTemporary=False):
        self.name = name
        self.database = database
        self.isTemporary = isTemporary


class FakeTable(object):
    def __init__(self, database, name, columns, location, fmt="parquet", external=False):
        self.database = database
        self.name = name
        self.columns = list(columns)  # (name, type, is_partition) in table order, partition columns last
        self.location = location
        self.format = fmt
        self.external = external
        self.rows = []
        self.stats = None  # (bytes, rows or None)
        self.partition_stats = {}  # tuple of partition values (as text) -> (bytes, rows or None)
        self.column_stats = {}  # name -> dict(min, max, num_nulls, distinct_count)
        self.properties = {}
        self.partition_locations = {}  # tuple -> location, for partitions outside the table directory

    @property
    def partition_columns(self):
        return [c[0] for c in self.columns if c[2]]

    def partitions(self):
        idx = [i for i, c in enumerate(self.columns) if c[2]]
        seen = []
        for row in self.rows:
            key = tuple(_text(row[i]) for i in idx)
            if key not in seen:
                seen.append(key)
        for key in list(self.partition_stats) + list(self.partition_locations):
            if key not in seen:
                seen.append(key)
        return sorted(seen)

    def partition_location(self, key):
        if key in self.partition_locations:
            return self.partition_locations[key]
        return self.location + "/" + "/".join("%s=%s" % (c, v) for c, v in zip(self.partition_columns, key))


def _text(value):
    if value is None:
        return "__HIVE_DEFAULT_PARTITION__"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class FakeCatalog(object):
    def __init__(self, spark):
        self.spark = spark
        self.calls = []

    def tableExists(self, tableName, dbName=None):
        self.calls.append(("tableExists", tableName, dbName))
        return self.spark.find_table(dbName or "default", tableName) is not None

    def listTables(self, dbName=None):
        self.calls.append(("listTables", dbName))
        if dbName not in self.spark.databases:
            raise AnalysisException("[SCHEMA_NOT_FOUND] The schema `%s` cannot be found." % dbName)
        return [CatalogTable(t.name, t.database) for t in self.spark.tables.values() if t.database == dbName]

    def listColumns(self, tableName, dbName=None):
        self.calls.append(("listColumns", tableName, dbName))
        table = self.spark.find_table(dbName or "default", tableName)
        if table is None:
            raise AnalysisException("[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s`.`%s` cannot be found."
                                    % (dbName, tableName))
        return [CatalogColumn(n, t.simpleString(), p) for n, t, p in table.columns]


class Catalog32(FakeCatalog):
    """Spark 3.2 and older: no Catalog.tableExists in PySpark."""

    def __getattribute__(self, item):
        if item == "tableExists":
            raise AttributeError(item)
        return object.__getattribute__(self, item)


class FakeConf(object):
    def __init__(self):
        self.values = {}

    def set(self, key, value):
        self.values[key] = value

    def get(self, key, default=None):
        return self.values.get(key, default)


class FakeSparkConf(object):
    def __init__(self, values=None):
        self.values = dict(values or {})

    def contains(self, key):
        return key in self.values

    def get(self, key, defaultValue=None):
        return self.values.get(key, defaultValue)


class FakeSparkContext(object):
    def __init__(self, conf):
        self._conf = conf

    def getConf(self):
        return self._conf


_IDENT = r"`(?:[^`]|``)*`"
_TABLE = r"(%s(?:\.%s)?)" % (_IDENT, _IDENT)
_STRING = r"'(?:[^'\\]|\\.)*'"


def sql_unstring(literal):
    """A Spark single-quoted literal with backslash escapes -> its value."""
    body = literal[1:-1]
    return re.sub(r"\\(.)", lambda m: m.group(1), body)


def parse_partition_spec(text):
    """"(`ds` = '2026-11-26', `hr`)" -> [("ds", "2026-11-26"), ("hr", None)]."""
    spec = []
    for match in re.finditer(r"(%s)(?:\s*=\s*(%s))?" % (_IDENT, _STRING), text):
        spec.append((unquote(match.group(1)), sql_unstring(match.group(2)) if match.group(2) else None))
    return spec


class FakeSpark(object):
    """A SparkSession stand-in. on(pattern, response) registers what spark.sql returns for a query text."""

    def __init__(self, version="3.5.1", spark_conf=None, catalog_class=FakeCatalog):
        self.version = version
        self.conf = FakeConf()
        self.sparkContext = FakeSparkContext(FakeSparkConf(spark_conf))
        self.catalog = catalog_class(self)
        self.tables = {}
        self.databases = set(["default"])
        self.statements = []
        self.handlers = []
        self.writes = []
        self.fail_next_write = None
        self.stopped = False
        self.actions = []  # shared action log of the DataFrames this session returns

    # --- set-up helpers for tests
    def on(self, pattern, response):
        """When a statement matches the regex (search, case-insensitive), return response: a FakeDataFrame, an
        exception instance (raised), or a callable(text) -> FakeDataFrame."""
        self.handlers.append((re.compile(pattern, re.IGNORECASE | re.DOTALL), response))
        return self

    def dataframe(self, schema, rows):
        return FakeDataFrame(schema, rows, self, self.actions)

    def add_table(self, database, name, columns, rows=(), location=None, fmt="parquet"):
        self.databases.add(database)
        table = FakeTable(database, name, columns, location or "file:/warehouse/%s.db/%s" % (database, name), fmt)
        table.rows = [tuple(r) for r in rows]
        self.tables[(database, name)] = table
        return table

    def find_table(self, database, name):
        return self.tables.get((database.lower(), name.lower())) or self.tables.get((database, name))

    def parse_table(self, text):
        parts = re.findall(_IDENT + r"|[^.`]+", text)
        names = [unquote(p) for p in parts]
        if len(names) == 1:
            return "default", names[0]
        return names[0], names[1]

    def stop(self):
        self.stopped = True

    # --- SparkSession.sql
    def sql(self, text):
        self.statements.append(text)
        for pattern, response in self.handlers:
            if pattern.search(text):
                if isinstance(response, BaseException):
                    raise response
                if callable(response) and not isinstance(response, FakeDataFrame):
                    return response(text)
                return response
        return self._builtin(text)

    def _table(self, quoted):
        database, name = self.parse_table(quoted)
        table = self.find_table(database, name)
        if table is None:
            raise AnalysisException("[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s`.`%s` cannot be found. Verify "
                                    "the spelling and correctness of the schema and catalog." % (database, name))
        return table

    def _rows(self, names, rows):
        schema = StructType([StructField(n, StringType()) for n in names])
        # catalog answers keep their own action log: spark.actions is about the query's DataFrames
        return FakeDataFrame(schema, [Row.of(names, r) for r in rows], self, [])

    def _builtin(self, text):
        m = re.match(r"^DESCRIBE TABLE EXTENDED %s(?:\s+PARTITION\s*\((.*)\))?(?:\s+(%s))?$" % (_TABLE, _IDENT),
                     text, re.DOTALL)
        if m:
            table = self._table(m.group(1))
            if m.group(3):
                return self._describe_column(table, unquote(m.group(3)))
            spec = parse_partition_spec(m.group(2)) if m.group(2) else None
            return self._rows(["col_name", "data_type", "comment"], describe_rows(table, spec))
        m = re.match(r"^SHOW TBLPROPERTIES %s$" % _TABLE, text)
        if m:
            table = self._table(m.group(1))
            return self._rows(["key", "value"], sorted(table.properties.items()))
        m = re.match(r"^ALTER TABLE %s SET TBLPROPERTIES \((%s) = (%s)\)$" % (_TABLE, _STRING, _STRING), text,
                     re.DOTALL)
        if m:
            table = self._table(m.group(1))
            table.properties[sql_unstring(m.group(2))] = sql_unstring(m.group(3))
            return self._rows([], [])
        m = re.match(r"^SHOW PARTITIONS %s(?:\s+PARTITION\s*\((.*)\))?$" % _TABLE, text, re.DOTALL)
        if m:
            table = self._table(m.group(1))
            if not table.partition_columns:
                raise AnalysisException("SHOW PARTITIONS is not allowed on a table that is not partitioned: %s"
                                        % table.name)
            wanted = dict((k.lower(), v) for k, v in parse_partition_spec(m.group(2) or ""))
            rows = []
            for key in table.partitions():
                values = dict(zip([c.lower() for c in table.partition_columns], key))
                if all(values.get(k) == v for k, v in wanted.items() if v is not None):
                    rows.append(["/".join("%s=%s" % (c, escape_path_name(v))
                                          for c, v in zip(table.partition_columns, key))])
            return self._rows(["partition"], rows)
        m = re.match(r"^ANALYZE TABLE %s(?:\s+PARTITION\s*\((.*?)\))? COMPUTE STATISTICS(.*)$" % _TABLE, text,
                     re.DOTALL)
        if m:
            self._analyze(self._table(m.group(1)), m.group(2), m.group(3).strip())
            return self._rows([], [])
        raise AssertionError("FakeSpark has no answer for: %s" % text)

    def _analyze(self, table, spec_text, option):
        # A tiny model: 100 bytes per row.
        part_idx = [i for i, c in enumerate(table.columns) if c[2]]
        if spec_text is not None:
            wanted = dict((k.lower(), v) for k, v in parse_partition_spec(spec_text))
            for key in table.partitions():
                values = dict(zip([c.lower() for c in table.partition_columns], key))
                if all(values.get(k) == v for k, v in wanted.items() if v is not None):
                    n = sum(1 for r in table.rows if tuple(_text(r[i]) for i in part_idx) == key)
                    table.partition_stats[key] = (100 * n, n)
            return
        n = len(table.rows)
        table.stats = (100 * n, n)
        if option.startswith("FOR"):
            names = [c[0] for c in table.columns] if option == "FOR ALL COLUMNS" else \
                [unquote(x) for x in re.findall(_IDENT, option)]
            for name in names:
                idx = [c[0] for c in table.columns].index(name)
                values = [r[idx] for r in table.rows]
                present = [v for v in values if v is not None]
                table.column_stats[name] = {
                    "min": str(min(present)) if present else "NULL", "max": str(max(present)) if present else "NULL",
                    "num_nulls": str(len(values) - len(present)), "distinct_count": str(len(set(present)))}

    def _describe_column(self, table, name):
        column = next((c for c in table.columns if c[0].lower() == name.lower()), None)
        if column is None:
            raise AnalysisException("[UNRESOLVED_COLUMN] `%s`" % name)
        stats = table.column_stats.get(column[0], {})
        rows = [["col_name", column[0]], ["data_type", column[1].simpleString()], ["comment", "NULL"],
                ["min", stats.get("min", "NULL")], ["max", stats.get("max", "NULL")],
                ["num_nulls", stats.get("num_nulls", "NULL")],
                ["distinct_count", stats.get("distinct_count", "NULL")],
                ["avg_col_len", "NULL"], ["max_col_len", "NULL"], ["histogram", "NULL"]]
        return self._rows(["info_name", "info_value"], rows)


def escape_path_name(value):
    """ExternalCatalogUtils.escapePathName (the characters that matter here)."""
    out = []
    for ch in value:
        if ch in '"#%\'*/:=?\\{[]^' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("%%%02X" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def describe_rows(table, spec=None):
    """DESCRIBE TABLE EXTENDED rows in Spark 3.x's layout (DescribeTableCommand; docs/sql-ref-syntax-aux-describe-
    table.md): columns, "# Partition Information", then "# Detailed Table Information" or, for a partition,
    "# Detailed Partition Information" + "# Storage Information" (which repeats the TABLE's Location)."""
    rows = [[n, t.simpleString(), None] for n, t, _ in table.columns]
    parts = [(n, t) for n, t, p in table.columns if p]
    if parts:
        rows.append(["# Partition Information", "", ""])
        rows.append(["# col_name", "data_type", "comment"])
        rows.extend([[n, t.simpleString(), None] for n, t in parts])
    rows.append(["", "", ""])
    if spec:
        key = tuple(v for _, v in spec)
        if key not in table.partitions():
            raise AnalysisException("[PARTITIONS_NOT_FOUND] The partition(s) PARTITION (%s) cannot be found in "
                                    "table `%s`.`%s`." % (", ".join("%s = %s" % kv for kv in spec), table.database,
                                                          table.name))
        rows.append(["# Detailed Partition Information", "", ""])
        rows.append(["Database", table.database, ""])
        rows.append(["Table", table.name, ""])
        rows.append(["Partition Values", "[%s]" % ", ".join("%s=%s" % kv for kv in spec), ""])
        rows.append(["Location", table.partition_location(key), ""])
        rows.append(["Serde Library", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", ""])
        rows.append(["Partition Parameters", "{numFiles=1, transient_lastDdlTime=1764151200}", ""])
        rows.append(["Created Time", "Thu Nov 26 10:00:00 UTC 2026", ""])
        rows.append(["Last Access", "UNKNOWN", ""])
        if key in table.partition_stats:
            size, count = table.partition_stats[key]
            rows.append(["Partition Statistics", "%d bytes" % size + (", %d rows" % count if count is not None
                                                                       else ""), ""])
        rows.append(["", "", ""])
        rows.append(["# Storage Information", "", ""])
        rows.append(["Location", table.location, ""])
        rows.append(["Serde Library", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", ""])
        return rows
    rows.append(["# Detailed Table Information", "", ""])
    rows.append(["Catalog", "spark_catalog", ""])
    rows.append(["Database", table.database, ""])
    rows.append(["Table", table.name, ""])
    rows.append(["Owner", "root", ""])
    rows.append(["Created Time", "Thu Nov 26 10:00:00 UTC 2026", ""])
    rows.append(["Last Access", "UNKNOWN", ""])
    rows.append(["Created By", "Spark 3.5.1", ""])
    rows.append(["Type", "EXTERNAL" if table.external else "MANAGED", ""])
    rows.append(["Provider", table.format, ""])
    if table.stats is not None:
        size, count = table.stats
        rows.append(["Statistics", "%d bytes" % size + (", %d rows" % count if count is not None else ""), ""])
    rows.append(["Location", table.location, ""])
    if parts:
        rows.append(["Partition Provider", "Catalog", ""])
    return rows
