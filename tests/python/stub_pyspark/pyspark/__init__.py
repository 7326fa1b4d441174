"""A stub `pyspark` package for the driver's command-line tests only (not a Spark). It lets
`python3 sheriff_sql_driver.py sheriff-sql.json` run end to end with the stand-in session of fake_spark.py.

Environment: SHERIFF_STUB_SCENARIO picks the session (see stub_scenarios.py), SHERIFF_STUB_SPARK_CONF is a JSON object
of SparkConf entries, SHERIFF_STUB_LOG a file that receives one JSON line per builder call.
"""
import json
import os

from fake_spark import FakeSparkConf

__version__ = "3.5.1"


class SparkConf(FakeSparkConf):
    def __init__(self, loadDefaults=True):
        FakeSparkConf.__init__(self, json.loads(os.environ.get("SHERIFF_STUB_SPARK_CONF") or "{}"))
