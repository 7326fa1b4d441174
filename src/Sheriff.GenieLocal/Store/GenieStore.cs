using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sheriff.GenieLocal.Model;

namespace Sheriff.GenieLocal.Store;

/// <summary>
/// Durable state in <c>&lt;data-dir&gt;/genie.db</c> (SQLite, WAL). Every entity is a JSON document row; the whole
/// state is also held in memory for searching. All reads and writes go through one lock, so the single SQLite
/// connection is never used concurrently and every change is written through before the lock is released.
/// Stored objects are treated as immutable: updates replace them with modified clones.
/// </summary>
internal sealed class GenieStore : IDisposable
{
    private static readonly JsonSerializerOptions DocOptions = new() { WriteIndented = false };

    private readonly SqliteConnection _connection;
    private readonly Dictionary<ResourceKind, Dictionary<string, Resource>> _resources = new()
    {
        [ResourceKind.Application] = new(StringComparer.Ordinal),
        [ResourceKind.Cluster] = new(StringComparer.Ordinal),
        [ResourceKind.Command] = new(StringComparer.Ordinal),
    };

    private readonly Dictionary<string, JobRecord> _jobs = new(StringComparer.Ordinal);
    private long _seq;

    public GenieStore(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, "genie.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        };
        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=NORMAL;");
        Execute("PRAGMA busy_timeout=5000;");
        Execute("CREATE TABLE IF NOT EXISTS resources (kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id));");
        Execute("CREATE TABLE IF NOT EXISTS jobs (id TEXT NOT NULL PRIMARY KEY, seq INTEGER NOT NULL, doc TEXT NOT NULL);");
        Load();
    }

    /// <summary>The store's lock; callers may hold it to make several calls atomic (it is re-entrant).</summary>
    public object Gate { get; } = new();

    // ----------------------------------------------------------------------------------------------------------
    // Resources

    public Resource? Get(ResourceKind kind, string id)
    {
        lock (Gate)
        {
            return _resources[kind].GetValueOrDefault(id);
        }
    }

    public List<Resource> All(ResourceKind kind)
    {
        lock (Gate)
        {
            return _resources[kind].Values.ToList();
        }
    }

    /// <summary>Adds a new resource; false when the id exists.</summary>
    public bool TryAdd(Resource r)
    {
        lock (Gate)
        {
            if (_resources[r.Kind].ContainsKey(r.Id))
            {
                return false;
            }

            WriteResource(r);
            _resources[r.Kind][r.Id] = r;
            return true;
        }
    }

    /// <summary>Replaces a stored resource (same kind and id).</summary>
    public void Put(Resource r)
    {
        lock (Gate)
        {
            WriteResource(r);
            _resources[r.Kind][r.Id] = r;
        }
    }

    /// <summary>Applies <paramref name="mutate"/> to a clone and stores it; null when the id is unknown.</summary>
    public Resource? Update(ResourceKind kind, string id, Action<Resource> mutate, long now)
    {
        lock (Gate)
        {
            if (!_resources[kind].TryGetValue(id, out var current))
            {
                return null;
            }

            var copy = current.Clone();
            mutate(copy);
            copy.Updated = now;
            WriteResource(copy);
            _resources[kind][id] = copy;
            return copy;
        }
    }

    public bool Delete(ResourceKind kind, string id)
    {
        lock (Gate)
        {
            if (!_resources[kind].Remove(id))
            {
                return false;
            }

            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "DELETE FROM resources WHERE kind = $k AND id = $i";
            cmd.Parameters.AddWithValue("$k", kind.ToString());
            cmd.Parameters.AddWithValue("$i", id);
            cmd.ExecuteNonQuery();
            return true;
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // Jobs

    public JobRecord? GetJob(string id)
    {
        lock (Gate)
        {
            return _jobs.GetValueOrDefault(id);
        }
    }

    public List<JobRecord> AllJobs()
    {
        lock (Gate)
        {
            return _jobs.Values.ToList();
        }
    }

    /// <summary>Reserves a job id; false when it exists.</summary>
    public bool TryAddJob(JobRecord job)
    {
        lock (Gate)
        {
            if (_jobs.ContainsKey(job.Id))
            {
                return false;
            }

            job.Seq = ++_seq;
            WriteJob(job);
            _jobs[job.Id] = job;
            return true;
        }
    }

    /// <summary>
    /// Atomically updates a job: <paramref name="mutate"/> gets a clone and returns whether it changed anything.
    /// Returns the stored job after the call (changed or not), or null when the id is unknown.
    /// </summary>
    public JobRecord? UpdateJob(string id, Func<JobRecord, bool> mutate)
    {
        lock (Gate)
        {
            if (!_jobs.TryGetValue(id, out var current))
            {
                return null;
            }

            var copy = current.Clone();
            if (!mutate(copy))
            {
                return current;
            }

            WriteJob(copy);
            _jobs[id] = copy;
            return copy;
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            _connection.Dispose();
        }
    }

    // ----------------------------------------------------------------------------------------------------------

    private void Load()
    {
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT doc FROM resources";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var r = JsonSerializer.Deserialize<Resource>(reader.GetString(0), DocOptions);
                if (r != null)
                {
                    _resources[r.Kind][r.Id] = r;
                }
            }
        }

        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT doc, seq FROM jobs";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var j = JsonSerializer.Deserialize<JobRecord>(reader.GetString(0), DocOptions);
                if (j != null)
                {
                    j.Seq = reader.GetInt64(1);
                    _jobs[j.Id] = j;
                    _seq = Math.Max(_seq, j.Seq);
                }
            }
        }
    }

    private void WriteResource(Resource r)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText =
            "INSERT INTO resources (kind, id, doc) VALUES ($k, $i, $d) ON CONFLICT(kind, id) DO UPDATE SET doc = excluded.doc";
        cmd.Parameters.AddWithValue("$k", r.Kind.ToString());
        cmd.Parameters.AddWithValue("$i", r.Id);
        cmd.Parameters.AddWithValue("$d", JsonSerializer.Serialize(r, DocOptions));
        cmd.ExecuteNonQuery();
    }

    private void WriteJob(JobRecord j)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText =
            "INSERT INTO jobs (id, seq, doc) VALUES ($i, $s, $d) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc";
        cmd.Parameters.AddWithValue("$i", j.Id);
        cmd.Parameters.AddWithValue("$s", j.Seq);
        cmd.Parameters.AddWithValue("$d", JsonSerializer.Serialize(j, DocOptions));
        cmd.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
