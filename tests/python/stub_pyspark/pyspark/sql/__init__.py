"""Stub pyspark.sql: SparkSession.builder records its calls and returns a stand-in session (see ../__init__.py)."""
import json
import os


def _log(*call):
    path = os.environ.get("SHERIFF_STUB_LOG")
    if path:
        with open(path, "a") as handle:
            handle.write(json.dumps(list(call)) + "\n")


class _Builder(object):
    def appName(self, name):
        _log("appName", name)
        return self

    def config(self, key=None, value=None):
        _log("config", key, value)
        return self

    def enableHiveSupport(self):
        _log("enableHiveSupport")
        return self

    def getOrCreate(self):
        _log("getOrCreate")
        import stub_scenarios
        return stub_scenarios.build(os.environ.get("SHERIFF_STUB_SCENARIO", "select"))


class SparkSession(object):
    builder = _Builder()
