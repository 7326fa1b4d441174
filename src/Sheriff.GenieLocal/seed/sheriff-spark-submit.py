#!/usr/bin/env python3
"""sheriff-spark-submit: a spark-submit stand-in for GenieLocal's default seed (command `spark-local`).

There is no Spark here. The shim parses the command line the way spark-submit 3.5 does (SparkSubmitOptionParser and
SparkSubmitArguments) and resolves the Spark configuration with the same precedence (dedicated options, then --conf,
then the properties file). For a .py primary resource it runs `python3 <script> <app args...>` in the job directory
with PYTHONPATH = the --py-files entries, as PySpark's PythonRunner does in client mode; JVM applications (.jar, a
--class in spark-internal) cannot run and end with exit code 1 and a message on stderr.

What the application receives, for tests to check:
  SHERIFF_SPARK_CONF          the resolved Spark configuration, a JSON object (keys sorted)
  SHERIFF_SPARK_SUBMIT_ARGS   the shim's own arguments, a JSON array
  SHERIFF_SPARK_APP_ARGS      the application's arguments, a JSON array
  SHERIFF_SPARK_PRIMARY_RESOURCE  the absolute path of the script
  SHERIFF_SPARK_LOG           the absolute path of spark.log
spark.log (in $GENIE_JOB_DIR, else the current directory) gets log4j-style lines like Spark's driver log: the Spark
version, the application name, the default resource profile, the configuration, the Python files and the exit.
Exit code: the application's; 1 for usage errors and missing files; 0 for --help and --version.
"""
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time

SPARK_VERSION = "3.5.1"
ME = "sheriff-spark-submit"

# Options that take a value -> the Spark property they set (None: handled apart). SparkSubmitOptionParser.opts.
OPTIONS = {
    "--master": "spark.master",
    "--deploy-mode": "spark.submit.deployMode",
    "--class": None,
    "--name": "spark.app.name",
    "--jars": "spark.jars",
    "--packages": "spark.jars.packages",
    "--exclude-packages": "spark.jars.excludes",
    "--repositories": "spark.jars.repositories",
    "--py-files": "spark.submit.pyFiles",
    "--files": "spark.files",
    "--archives": "spark.archives",
    "--conf": None,
    "-c": None,
    "--properties-file": None,
    "--driver-memory": "spark.driver.memory",
    "--driver-java-options": "spark.driver.extraJavaOptions",
    "--driver-library-path": "spark.driver.extraLibraryPath",
    "--driver-class-path": "spark.driver.extraClassPath",
    "--driver-cores": "spark.driver.cores",
    "--executor-memory": "spark.executor.memory",
    "--executor-cores": "spark.executor.cores",
    "--num-executors": "spark.executor.instances",
    "--total-executor-cores": "spark.cores.max",
    "--queue": "spark.yarn.queue",
    "--principal": "spark.kerberos.principal",
    "--keytab": "spark.kerberos.keytab",
    "--proxy-user": None,
    "--kill": None,
    "--status": None,
}
SWITCHES = {"--verbose", "-v", "--supervise", "--help", "-h", "--version", "--usage-error"}
EQ_OPTION = re.compile(r"^(--[^=]+)=(.+)$", re.S)
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
SIZE = re.compile(r"^([0-9]+)([a-z]+)?$")
SIZE_UNITS = {"b": 1, "k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "g": 1 << 30, "gb": 1 << 30,
              "t": 1 << 40, "tb": 1 << 40, "p": 1 << 50, "pb": 1 << 50}

USAGE = """Usage: spark-submit [options] <app jar | python file | R file> [app arguments]
Usage: spark-submit --kill [submission ID] --master [spark://...]
Usage: spark-submit --status [submission ID] --master [spark://...]

(GenieLocal's sheriff-spark-submit: runs .py applications with python3; there is no Spark or JVM here.)

Options:
  --master MASTER_URL         spark://host:port, mesos://host:port, yarn, k8s://https://host:port, or local
                              (Default: local[*]).
  --deploy-mode DEPLOY_MODE   client or cluster (Default: client).
  --class CLASS_NAME          Your application's main class (for Java / Scala apps).
  --name NAME                 A name of your application.
  --jars JARS                 Comma-separated list of jars to include on the driver and executor classpaths.
  --packages                  Comma-separated list of maven coordinates of jars to include.
  --exclude-packages          Comma-separated list of groupId:artifactId, to exclude.
  --repositories              Comma-separated list of additional remote repositories.
  --py-files PY_FILES         Comma-separated list of .zip, .egg, or .py files to place on the PYTHONPATH.
  --files FILES               Comma-separated list of files to be placed in the working directory of each executor.
  --archives ARCHIVES         Comma-separated list of archives to be extracted into the working directory.
  --conf, -c PROP=VALUE       Arbitrary Spark configuration property.
  --properties-file FILE      Path to a file from which to load extra properties. If not specified, this will
                              look for conf/spark-defaults.conf.
  --driver-memory MEM         Memory for driver (e.g. 1000M, 2G) (Default: 1024M).
  --driver-java-options       Extra Java options to pass to the driver.
  --driver-library-path       Extra library path entries to pass to the driver.
  --driver-class-path         Extra class path entries to pass to the driver.
  --executor-memory MEM       Memory per executor (e.g. 1000M, 2G) (Default: 1G).
  --proxy-user NAME           User to impersonate when submitting the application.
  --help, -h                  Show this help message and exit.
  --verbose, -v               Print additional debug output.
  --version,                  Print the version of current Spark.
  --driver-cores NUM          Number of cores used by the driver, only in cluster mode (Default: 1).
  --supervise                 If given, restarts the driver on failure.
  --total-executor-cores NUM  Total cores for all executors.
  --executor-cores NUM        Number of cores used by each executor.
  --num-executors NUM         Number of executors to launch (Default: 2).
  --queue QUEUE_NAME          The YARN queue to submit to (Default: "default").
  --principal PRINCIPAL       Principal to be used to login to KDC.
  --keytab KEYTAB             The full path to the file that contains the keytab for the principal.
"""


class SubmitError(Exception):
    """A spark-submit usage error: 'Error: <message>' and a usage hint on stderr, exit 1."""


class MissingFile(Exception):
    """A file spark-submit needs does not exist: a FileNotFoundException-style line on stderr, exit 1."""

    def __init__(self, uri, what, given):
        super().__init__(uri)
        self.uri, self.what, self.given = uri, what, given


class SparkLog:
    """spark.log in the job directory, opened on first write; log4j2's default Spark layout."""

    def __init__(self, path):
        self.path = path
        self._f = None

    def _open(self):
        if self._f is None:
            try:
                self._f = open(self.path, "a", encoding="utf-8", errors="surrogateescape")
            except OSError:
                self._f = False  # an unwritable job dir must not fail the job
        return self._f

    def __call__(self, level, logger, message):
        stamp = datetime.datetime.now().strftime("%y/%m/%d %H:%M:%S")
        self.raw(f"{stamp} {level} {logger}: {message}\n")

    def raw(self, text):
        f = self._open()
        if f:
            f.write(text)
            f.flush()


def stderr(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def parse(argv):
    """SparkSubmitOptionParser.parse: options up to the first non-option (the primary resource); the rest is the app's."""
    parsed = {"options": [], "confs": [], "switches": set(), "primary": None, "app_args": []}
    i = 0
    while i < len(argv):
        arg = argv[i]
        value = None
        m = EQ_OPTION.match(arg)
        if m:
            arg, value = m.group(1), m.group(2)
        if arg in OPTIONS:
            if value is None:
                if i == len(argv) - 1:
                    raise SubmitError(f"Missing argument for option '{arg}'.")
                i += 1
                value = argv[i]
            if arg in ("--conf", "-c"):
                if "=" not in value:
                    raise SubmitError(f"Spark config without '=': {value}")
                k, v = value.split("=", 1)
                parsed["confs"].append((k, v))
            else:
                parsed["options"].append((arg, value))
            i += 1
            continue
        if arg in SWITCHES:
            parsed["switches"].add({"-v": "--verbose", "-h": "--help"}.get(arg, arg))
            i += 1
            continue
        if arg.startswith("-"):
            raise SubmitError(f"Unrecognized option '{arg}'.")
        parsed["primary"] = arg
        parsed["app_args"] = argv[i + 1:]
        break
    return parsed


def read_properties(path):
    """java.util.Properties.load, simplified: comments, key=value / key:value / key value, line continuations."""
    props = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        logical = ""
        for line in f.read().splitlines():
            stripped = line.lstrip()
            if not logical and (not stripped or stripped[0] in "#!"):
                continue
            if (len(stripped) - len(stripped.rstrip("\\"))) % 2 == 1:
                logical += stripped[:-1]
                continue
            logical += stripped
            m = re.match(r"^((?:\\.|[^=:\s\\])*)\s*[=:\s]?\s*(.*)$", logical, re.S)
            key, val = (m.group(1), m.group(2)) if m else (logical, "")
            props[re.sub(r"\\(.)", r"\1", key)] = val.strip()
            logical = ""
    return props


def local_path(spec, cwd):
    """A file:/local: URI or a path, resolved against cwd; None for any other scheme."""
    m = SCHEME.match(spec)
    if m and len(m.group(1)) > 1:  # one letter: a Windows drive, never here
        if m.group(1).lower() not in ("file", "local"):
            return None
        spec = re.sub(r"^[A-Za-z]+:(//localhost(?=/)|//(?=/))?", "", spec)
    return os.path.normpath(os.path.join(cwd, spec))


def resolve_uri(spec, cwd):
    """Utils.resolveURI: a path without a scheme becomes file:<absolute path>, keeping a #fragment."""
    if SCHEME.match(spec):
        return spec
    path, hash_, frag = spec.partition("#")
    return "file:" + os.path.normpath(os.path.join(cwd, path)) + hash_ + frag


def split_list(value):
    return [x.strip() for x in value.split(",") if x.strip()] if value else []


def size_bytes(value, default_unit):
    m = SIZE.match(value.strip().lower()) if value else None
    if not m or (m.group(2) and m.group(2) not in SIZE_UNITS):
        return -1
    return int(m.group(1)) * SIZE_UNITS[m.group(2) or default_unit]


def positive_number(value):
    try:
        return float(value) > 0
    except ValueError:
        return False


def positive_int(value):
    try:
        return int(value) > 0
    except ValueError:
        return False


def resolve_conf(parsed, cwd, log):
    """SparkSubmitArguments: properties file < --conf < dedicated options; defaults for master, deploy mode, name."""
    conf = {}
    options = dict(parsed["options"])
    props_file = options.get("--properties-file")
    if props_file is None:
        conf_dir = os.environ.get("SPARK_CONF_DIR") or (
            os.path.join(os.environ["SPARK_HOME"], "conf") if os.environ.get("SPARK_HOME") else None)
        candidate = os.path.join(conf_dir, "spark-defaults.conf") if conf_dir else None
        props_file = candidate if candidate and os.path.isfile(candidate) else None
    elif not os.path.isfile(os.path.join(cwd, props_file)):
        raise SubmitError(f"Properties file {os.path.join(cwd, props_file)} does not exist")
    if props_file:
        props_file = os.path.join(cwd, props_file)
        conf.update(read_properties(props_file))

    conf.update(dict(parsed["confs"]))
    for k in sorted(k for k in conf if not k.startswith("spark.")):
        log("WARN", "SparkSubmit", f"Ignoring non-Spark config property: {k}")
        del conf[k]

    for opt, value in parsed["options"]:
        key = OPTIONS[opt]
        if key is not None:
            conf[key] = value
    if "--supervise" in parsed["switches"]:
        conf["spark.driver.supervise"] = "true"

    master = conf.setdefault("spark.master", os.environ.get("MASTER") or "local[*]")
    deploy_mode = conf.setdefault("spark.submit.deployMode", os.environ.get("DEPLOY_MODE") or "client")
    primary = parsed["primary"]
    conf.setdefault("spark.app.name", options.get("--class") or os.path.basename(primary))

    # SparkSubmitArguments.validateSubmitArguments / SparkSubmit.prepareSubmitEnvironment
    if not re.match(r"^(yarn$|spark://|mesos://|k8s://|local)", master):
        raise SubmitError("Master must either be yarn or start with spark, mesos, k8s, or local")
    if deploy_mode not in ("client", "cluster"):
        raise SubmitError("Deploy mode must be either client or cluster")
    if master.startswith("local") and deploy_mode == "cluster":
        raise SubmitError('Cluster deploy mode is not compatible with master "local"')
    checks = [
        ("spark.executor.memory", lambda v: size_bytes(v, "m") > 0, "Executor memory must be a positive number"),
        ("spark.executor.cores", positive_number, "Executor cores must be a positive number"),
        ("spark.cores.max", positive_number, "Total executor cores must a positive number"),
        ("spark.executor.instances", positive_int, "Number of executors must be a positive number"),
        ("spark.driver.memory", lambda v: size_bytes(v, "m") > 0, "Driver memory must be a positive number"),
    ]
    for key, ok, message in checks:
        if key in conf and not ok(conf[key]):
            raise SubmitError(message)

    for key in ("spark.jars", "spark.files", "spark.archives"):
        if key in conf:
            conf[key] = ",".join(resolve_uri(x, cwd) for x in split_list(conf[key]))
    return conf, props_file


def python_path_entries(py_files, cwd):
    """PythonRunner.formatPaths + resolvePyFiles: zips/eggs as given, the folder of each .py file; all must exist."""
    entries = []
    for spec in py_files:
        path = local_path(spec, cwd)
        if path is None:
            raise SubmitError(f"GenieLocal cannot fetch remote --py-files entry {spec}: add it to the job's "
                              "attachments or dependencies and pass its file name")
        if not os.path.exists(path):
            raise MissingFile("file:" + path, "--py-files entry", spec)
        entry = os.path.dirname(path) if path.endswith(".py") else path
        if entry not in entries:
            entries.append(entry)
    return entries


def verbose_report(parsed, conf, props_file):
    options = dict(parsed["options"])
    lines = [f"Using properties file: {props_file or 'null'}", "Parsed arguments:"]
    rows = [("master", conf.get("spark.master")), ("deployMode", conf.get("spark.submit.deployMode")),
            ("executorMemory", conf.get("spark.executor.memory")), ("executorCores", conf.get("spark.executor.cores")),
            ("totalExecutorCores", conf.get("spark.cores.max")), ("propertiesFile", props_file),
            ("driverMemory", conf.get("spark.driver.memory")), ("driverCores", conf.get("spark.driver.cores")),
            ("driverExtraClassPath", conf.get("spark.driver.extraClassPath")),
            ("driverExtraLibraryPath", conf.get("spark.driver.extraLibraryPath")),
            ("driverExtraJavaOptions", conf.get("spark.driver.extraJavaOptions")),
            ("supervise", str("--supervise" in parsed["switches"]).lower()), ("queue", conf.get("spark.yarn.queue")),
            ("numExecutors", conf.get("spark.executor.instances")), ("files", conf.get("spark.files")),
            ("pyFiles", conf.get("spark.submit.pyFiles")), ("archives", conf.get("spark.archives")),
            ("mainClass", options.get("--class")), ("primaryResource", parsed["primary"]),
            ("name", conf.get("spark.app.name")), ("childArgs", "[" + " ".join(parsed["app_args"]) + "]"),
            ("jars", conf.get("spark.jars")), ("packages", conf.get("spark.jars.packages")),
            ("packagesExclusions", conf.get("spark.jars.excludes")),
            ("repositories", conf.get("spark.jars.repositories")), ("verbose", "true")]
    lines += [f"  {k:<24}{v if v is not None else 'null'}" for k, v in rows]
    lines += ["", "Spark properties used, including those specified through", " --conf and those from the properties file:"]
    lines += [f"  ({k},{v})" for k, v in sorted(conf.items())]
    stderr("\n".join(lines) + "\n")


def resource_profile(conf):
    cores = conf.get("spark.executor.cores", "1")
    memory_mb = size_bytes(conf.get("spark.executor.memory", "1g"), "m") >> 20
    return ("Default ResourceProfile created, executor resources Map("
            f"cores -> name: cores, amount: {cores}, script: , vendor: , "
            f"memory -> name: memory, amount: {memory_mb}, script: , vendor: , "
            "offHeap -> name: offHeap, amount: 0, script: , vendor: ), "
            f"task resources Map(cpus -> name: cpus, amount: {conf.get('spark.task.cpus', '1')}.0)")


def run(argv):
    cwd = os.getcwd()
    job_dir = os.environ.get("GENIE_JOB_DIR") or cwd
    log_path = os.path.join(job_dir, "spark.log")
    log = SparkLog(log_path)

    parsed = parse(argv)
    switches = parsed["switches"]
    if "--help" in switches or "--usage-error" in switches:
        sys.stderr.write(USAGE)
        return 0 if "--help" in switches else 1
    if "--version" in switches:
        stderr(f"Welcome to Spark version {SPARK_VERSION} (GenieLocal {ME}: no Spark here, .py apps run with python3)")
        return 0
    options = dict(parsed["options"])
    if "--kill" in options or "--status" in options:
        raise SubmitError("--kill and --status are not supported by GenieLocal (there is no Spark cluster to ask)")
    primary = parsed["primary"]
    if primary is None:
        raise SubmitError("Must specify a primary resource (JAR or Python or R file)")

    conf, props_file = resolve_conf(parsed, cwd, log)
    now_ms = int(time.time() * 1000)
    is_yarn = conf["spark.master"] == "yarn"
    conf["spark.app.id"] = f"application_{now_ms}_0001" if is_yarn else f"local-{now_ms}"
    conf["spark.app.submitTime"] = str(now_ms)

    if not primary.endswith(".py"):
        kind = ("an R application" if primary.lower().endswith(".r") else
                "an interactive shell" if primary in ("spark-shell", "pyspark-shell", "sparkr-shell") else
                f"a built-in Spark application (--class {options.get('--class', '?')})" if primary == "spark-internal" else
                "a JVM application" + (f" (--class {options['--class']})" if "--class" in options else ""))
        message = (f"{ME}: GenieLocal cannot run {kind}: primary resource {primary}. There is no Spark or JVM "
                   "runtime in GenieLocal; only PySpark-style .py applications run (as plain python3 processes). "
                   "Run JVM Spark applications on a real Genie cluster.")
        log("ERROR", "SparkSubmit", message)
        stderr(message)
        return 1

    script = local_path(primary, cwd)
    if script is None:
        raise SubmitError(f"GenieLocal cannot fetch a remote primary resource ({primary}): add it to the job's "
                          "attachments or dependencies and pass its file name")
    if not os.path.isfile(script):
        raise MissingFile("file:" + script, "primary resource", primary)
    entries = python_path_entries(split_list(conf.get("spark.submit.pyFiles")), cwd)
    if "spark.submit.pyFiles" in conf:
        conf["spark.submit.pyFiles"] = ",".join(local_path(x, cwd) for x in split_list(conf["spark.submit.pyFiles"]))

    if "--verbose" in switches:
        verbose_report(parsed, conf, props_file)

    python = (conf.get("spark.pyspark.driver.python") or conf.get("spark.pyspark.python")
              or os.environ.get("PYSPARK_DRIVER_PYTHON") or os.environ.get("PYSPARK_PYTHON") or sys.executable or "python3")

    log("WARN", "SheriffSparkSubmit", "GenieLocal sandbox: there is no Spark here; the application runs as a plain "
        f"{os.path.basename(python)} process in {cwd}")
    log("INFO", "SparkContext", f"Running Spark version {SPARK_VERSION}")
    log("INFO", "SparkContext", f"OS info {platform.system()}, {platform.release()}, {platform.machine()}")
    log("INFO", "SparkContext", f"Python version {platform.python_version()}")
    log("INFO", "ResourceUtils", "=" * 62)
    log("INFO", "ResourceUtils", "No custom resources configured for spark.driver.")
    log("INFO", "ResourceUtils", "=" * 62)
    log("INFO", "SparkContext", f"Submitted application: {conf['spark.app.name']}")
    log("INFO", "ResourceProfile", resource_profile(conf))
    log("INFO", "SparkContext", "Spark configuration:")
    log.raw("".join(f"{k}={v}\n" for k, v in sorted(conf.items())))
    if props_file:
        log("INFO", "SparkSubmit", f"Using properties file: {props_file}")
    if "--proxy-user" in options:
        log("WARN", "SheriffSparkSubmit", f"--proxy-user {options['--proxy-user']}: not impersonated in GenieLocal")
    for key in ("spark.jars", "spark.jars.packages", "spark.files", "spark.archives"):
        if key in conf:
            log("WARN", "SheriffSparkSubmit", f"{key} is recorded but not used in GenieLocal: {conf[key]}")
    if is_yarn:
        log("INFO", "Client", f"Submitting application {conf['spark.app.id']} to ResourceManager")
        log("INFO", "Client", f"queue: {conf.get('spark.yarn.queue', 'default')}")
    elif "spark.yarn.queue" in conf:
        log("INFO", "SheriffSparkSubmit", f"queue: {conf['spark.yarn.queue']} (YARN only)")
    for entry in entries:
        log("INFO", "SparkContext", f"Added file file:{entry} to the Python path")
    log("INFO", "PythonRunner", f"Running {python} {script} with PYTHONPATH={os.pathsep.join(entries)}")

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(entries + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["PYTHONUNBUFFERED"] = "YES"
    env["SHERIFF_SPARK_CONF"] = json.dumps(conf, sort_keys=True, ensure_ascii=False)
    env["SHERIFF_SPARK_SUBMIT_ARGS"] = json.dumps(argv, ensure_ascii=False)
    env["SHERIFF_SPARK_APP_ARGS"] = json.dumps(parsed["app_args"], ensure_ascii=False)
    env["SHERIFF_SPARK_PRIMARY_RESOURCE"] = script
    env["SHERIFF_SPARK_LOG"] = log_path

    sys.stdout.flush()
    sys.stderr.flush()
    try:
        code = subprocess.call([python, script] + parsed["app_args"], env=env, cwd=cwd)
    except OSError as e:
        message = f"Cannot run program \"{python}\": {e.strerror}"
        log("ERROR", "PythonRunner", message)
        stderr(f"Exception in thread \"main\" java.io.IOException: {message}")
        return 1
    if code < 0:  # killed by a signal: report it like a shell would
        code = 128 - code
    log("INFO", "SparkContext", "Invoking stop() from shutdown hook")
    log("INFO", "SparkContext", "Successfully stopped SparkContext")
    if code != 0:
        log("ERROR", "SheriffSparkSubmit", f"Application {conf['spark.app.id']} failed: python exited with code {code}")
    log("INFO", "ShutdownHookManager", "Shutdown hook called")
    log("INFO", "SheriffSparkSubmit", f"Application exited with code {code}")
    return code


def main():
    argv = [os.fsencode(a).decode("utf-8", "surrogateescape") for a in sys.argv[1:]]
    log_dir = os.environ.get("GENIE_JOB_DIR") or os.getcwd()
    try:
        return run(argv)
    except SubmitError as e:
        SparkLog(os.path.join(log_dir, "spark.log"))("ERROR", "SparkSubmit", str(e))
        stderr(f"Error: {e}\nRun with --help for usage help or --verbose for debug output")
        return 1
    except MissingFile as e:
        SparkLog(os.path.join(log_dir, "spark.log"))("ERROR", "SparkSubmit", f"File {e.uri} does not exist")
        stderr(f"Exception in thread \"main\" java.io.FileNotFoundException: File {e.uri} does not exist")
        stderr(f"{ME}: {e.what} '{e.given}' was not found (relative paths resolve against the job directory "
               f"{os.getcwd()})")
        return 1


if __name__ == "__main__":
    sys.exit(main())
