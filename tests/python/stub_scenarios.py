"""Sessions the stub pyspark package hands out (command-line tests)."""
import fake_spark as fs


def build(name):
    spark = fs.FakeSpark(version="3.5.1")
    if name == "select":
        schema = fs.schema_of(("one", fs.IntegerType()), ("word", fs.StringType()))
        spark.on(r"^SELECT 1 AS one", spark.dataframe(schema, [[1, "x"]]))
    elif name == "syntax":
        query = "SELECT 1\nFORM t"
        spark.on(r"FORM", fs.ParseException(fs.parse_exception_message_3_5(query, "'FORM'.", 2, 0)))
    elif name == "crash":
        raise RuntimeError("cannot start the stand-in session")
    return spark
