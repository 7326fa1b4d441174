using Sheriff.GenieLocal.Api;
using Sheriff.GenieLocal.Json;
using Sheriff.GenieLocal.Model;
using Sheriff.GenieLocal.Resolution;

namespace Sheriff.GenieLocal.Jobs;

/// <summary>An uploaded attachment waiting in a temporary file.</summary>
internal sealed record IncomingAttachment(string Name, string TempPath, long Size);

/// <summary>Job submission (reserve → resolve → accept, genie-api.md §5.2, §8) and kill.</summary>
internal sealed class JobService(GenieServer server)
{
    public const int DefaultMemoryG4 = 1500;
    public const int DefaultMemoryG3 = 1024;
    public const int MaxMemoryG3 = 10240;
    public const int DefaultTimeout = 604800;

    /// <summary>
    /// Reserves, resolves and accepts a job. Returns the job id. Throws 409 on a duplicate id and 412 when resolution
    /// fails (the job then exists, FAILED).
    /// </summary>
    public string Submit(JobRecord job, IReadOnlyList<IncomingAttachment> attachments, string? clientHost, string? userAgent)
    {
        var g4 = server.IsG4;
        var now = TimeFormat.NowMs();
        job.Id = job.RequestedId ?? Guid.NewGuid().ToString();
        job.Created = job.Updated = now;
        job.Status = g4 ? Statuses.Reserved : Statuses.Init;
        job.StatusMsg = g4 ? null : StatusMessages.InitG3;
        job.HostName = g4 ? Guid.NewGuid().ToString() : GenieServer.MachineName;
        job.ArchiveStatus = ArchiveStatuses.Pending;
        job.ClientHost = clientHost;
        job.UserAgent = userAgent;
        job.NumAttachments = attachments.Count;
        job.TotalSizeOfAttachments = attachments.Sum(a => a.Size);

        string? attachmentDir = null;
        if (attachments.Count > 0)
        {
            attachmentDir = Path.Combine(server.Options.AttachmentsDir, Guid.NewGuid().ToString());
            Directory.CreateDirectory(attachmentDir);
            foreach (var a in attachments)
            {
                var target = Path.Combine(attachmentDir, a.Name);
                File.Move(a.TempPath, target, overwrite: true);
                var uri = new Uri(target).AbsoluteUri;
                if (!job.AttachmentUris.Contains(uri))
                {
                    job.AttachmentUris.Add(uri);
                }
            }
        }

        if (!server.Store.TryAddJob(job))
        {
            if (attachmentDir != null)
            {
                TryDelete(attachmentDir);
            }

            throw GenieApiException.Conflict($"A job with id {job.Id} already exists. Unable to reserve id.");
        }

        ResolvedJob resolved;
        try
        {
            resolved = server.Resolver.Resolve(
                job.ClusterCriterias.Select(c => (IReadOnlyList<string>)c).ToList(), job.CommandCriteria, job.Applications);
        }
        catch (ResolutionException e)
        {
            server.Store.UpdateJob(job.Id, j =>
            {
                var t = TimeFormat.NowMs();
                j.Status = Statuses.Failed;
                j.StatusMsg = g4 ? StatusMessages.ResolutionFailed : StatusMessages.ResolutionFailedG3;
                j.Finished = t;
                j.Updated = t;
                j.ArchiveStatus = ArchiveStatuses.NoFiles;
                return true;
            });
            throw GenieApiException.Precondition(g4 ? e.Message : StatusMessages.ResolutionFailedG3);
        }

        var memory = job.Memory ?? resolved.Command.Memory ?? (g4 ? DefaultMemoryG4 : DefaultMemoryG3);
        if (!g4 && memory > MaxMemoryG3)
        {
            server.Store.UpdateJob(job.Id, j =>
            {
                var t = TimeFormat.NowMs();
                j.Status = Statuses.Invalid;
                j.StatusMsg = StatusMessages.InvalidMemoryG3;
                j.Finished = t;
                j.Updated = t;
                return true;
            });
            throw GenieApiException.Precondition($"Requested {memory} MB to run job which is more than the {MaxMemoryG3} MB allowed");
        }

        server.Store.UpdateJob(job.Id, j =>
        {
            j.Updated = TimeFormat.NowMs();
            j.IsResolved = true;
            j.ClusterId = resolved.Cluster.Id;
            j.ClusterName = resolved.Cluster.Name;
            j.CommandId = resolved.Command.Id;
            j.CommandName = resolved.Command.Name;
            j.ResolvedApplications = resolved.Applications.Select(a => a.Id).ToList();
            j.ResolvedMemory = memory;
            j.ResolvedCpu = j.Cpu ?? 1;
            j.ResolvedTimeout = j.Timeout ?? DefaultTimeout;
            j.CheckDelay = resolved.Command.CheckDelay;
            if (g4)
            {
                if (j.Status == Statuses.Reserved)
                {
                    j.Status = Statuses.Resolved;
                }

                j.ArchiveLocation = new Uri(server.JobDir(j.Id)).AbsoluteUri;
            }
            else
            {
                j.ArchiveLocation = j.DisableLogArchival
                    ? null
                    : new Uri(Path.Combine(server.Options.DataDir, "archive", GenieServer.SafeName(j.Id) + ".tar.gz")).AbsoluteUri;
            }

            return true;
        });

        if (g4)
        {
            server.Store.UpdateJob(job.Id, j =>
            {
                if (j.Status != Statuses.Resolved)
                {
                    return false;
                }

                j.Status = Statuses.Accepted;
                j.StatusMsg = StatusMessages.Accepted;
                j.Updated = TimeFormat.NowMs();
                return true;
            });
        }

        server.Scheduler.Signal();
        return job.Id;
    }

    /// <summary>Kills a job (genie-api.md §5.2). Finished jobs are left alone.</summary>
    public void Kill(string id)
    {
        var g4 = server.IsG4;
        var job = server.Store.UpdateJob(id, j =>
        {
            if (Statuses.IsFinished(j.Status) || j.Claimed)
            {
                return false;
            }

            var t = TimeFormat.NowMs();
            j.Status = Statuses.Killed;
            j.StatusMsg = g4 ? StatusMessages.KilledByUser : StatusMessages.KilledDuringInitG3;
            j.Finished = t;
            j.Updated = t;
            j.ArchiveStatus = ArchiveStatuses.NoFiles;
            return true;
        }) ?? throw GenieApiException.JobNotFound(id);

        if (job.Claimed && !Statuses.IsFinished(job.Status))
        {
            server.Scheduler.RequestKill(id, StatusMessages.KilledByUser);
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // best effort cleanup of an orphaned attachment folder
        }
        catch (UnauthorizedAccessException)
        {
            // best effort cleanup of an orphaned attachment folder
        }
    }
}
