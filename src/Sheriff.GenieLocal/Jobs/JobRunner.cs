using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Json;
using Sheriff.GenieLocal.Model;

namespace Sheriff.GenieLocal.Jobs;

/// <summary>
/// Takes one accepted job through its local execution: claim (after --claim-delay), INIT (job directory, downloads,
/// run script), RUNNING (bash process group), then SUCCEEDED / FAILED / KILLED (genie-api.md §8, §10).
/// </summary>
internal sealed class JobRunner(GenieServer server, JobRun run, ILogger log)
{
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(3);

    private readonly bool _g4 = server.IsG4;
    private string _agentLog = "";

    public async Task RunAsync()
    {
        var id = run.JobId;
        try
        {
            await Task.Delay(server.Options.ClaimDelayMs, run.KillToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown before the claim: the job stays queued and is picked up again on the next start.
            return;
        }

        if (!Claim(id))
        {
            return;
        }

        var dir = server.JobDir(id);
        var job = server.Store.GetJob(id)!;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "genie", "logs"));
            _agentLog = Path.Combine(dir, "genie", "logs", _g4 ? "agent.log" : "genie.log");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Finish(Statuses.Failed, StatusMessages.DirectoryFailed, null, dir);
            log.LogWarning("Job {JobId}: cannot create {Dir}: {Message}", id, dir, e.Message);
            return;
        }

        Log($"Agent claimed job {id} on host {GenieServer.MachineName} (sheriff-genie-local, Genie {(_g4 ? 4 : 3)} mode)");
        Log($"Job directory: {dir}");
        if (_g4)
        {
            SetStatus(Statuses.Claimed, Statuses.Init, StatusMessages.InitG4);
            Log("Job status changed: CLAIMED -> INIT");
        }

        Process process;
        try
        {
            var setupFiles = await PrepareAsync(job, dir).ConfigureAwait(false);
            if (setupFiles == null)
            {
                return;
            }

            if (run.KillReason != null)
            {
                FinishKilledBeforeLaunch(dir);
                return;
            }

            Log("Launching job process: bash ./run");
            File.WriteAllText(Path.Combine(dir, "stdout"), "");
            File.WriteAllText(Path.Combine(dir, "stderr"), "");
            process = ProcessGroup.Start(dir);
        }
        catch (OperationCanceledException)
        {
            FinishKilledBeforeLaunch(dir);
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            Log("Failed to launch job: " + e.Message);
            Finish(Statuses.Failed, StatusMessages.LaunchFailed, null, dir);
            return;
        }

        using (process)
        {
            await SuperviseAsync(process, dir).ConfigureAwait(false);
        }
    }

    private bool Claim(string id)
    {
        var claimed = false;
        var queuedStatus = _g4 ? Statuses.Accepted : Statuses.Init;
        server.Store.UpdateJob(id, j =>
        {
            if (j.Claimed || j.Status != queuedStatus)
            {
                return false;
            }

            j.Claimed = true;
            j.Updated = TimeFormat.NowMs();
            j.HostName = GenieServer.MachineName;
            if (_g4)
            {
                j.Status = Statuses.Claimed;
                j.LauncherExt = new JsonObject
                {
                    ["launcherClass"] = "com.netflix.genie.web.agent.launchers.impl.LocalAgentLauncherImpl",
                    ["sourceHostname"] = GenieServer.MachineName,
                };
            }

            claimed = true;
            return true;
        });
        return claimed;
    }

    /// <summary>Creates the directory layout, downloads files and writes the run script; null when the job failed.</summary>
    private async Task<List<(string What, string Path)>?> PrepareAsync(JobRecord job, string dir)
    {
        var ct = run.KillToken;
        var cluster = job.ClusterId == null ? null : server.Store.Get(ResourceKind.Cluster, job.ClusterId);
        var command = job.CommandId == null ? null : server.Store.Get(ResourceKind.Command, job.CommandId);
        if (cluster == null || command == null)
        {
            Log("The resolved cluster or command no longer exists");
            Finish(Statuses.Failed, "Failed to set up job: the resolved cluster or command no longer exists", null, dir);
            return null;
        }

        var apps = job.ResolvedApplications.Select(a => server.Store.Get(ResourceKind.Application, a)).Where(a => a != null).Select(a => a!).ToList();
        var setupFiles = new List<(string, string)>();
        var setupName = _g4 ? "genie_setup.sh" : null;
        try
        {
            Log($"Setting up job: cluster '{cluster.Id}', command '{command.Id}', applications [{string.Join(", ", apps.Select(a => a.Id))}]");
            Directory.CreateDirectory(Path.Combine(dir, "genie", "applications"));

            async Task Entity(Resource r, string entityDir, string what)
            {
                var configDir = Path.Combine(entityDir, "config");
                var depDir = Path.Combine(entityDir, "dependencies");
                Directory.CreateDirectory(configDir);
                Directory.CreateDirectory(depDir);
                foreach (var c in r.Configs)
                {
                    Log($"Downloading {what} config {c}");
                    await server.Fetcher.FetchAsync(c, configDir, null, ct).ConfigureAwait(false);
                }

                foreach (var d in r.Dependencies)
                {
                    Log($"Downloading {what} dependency {d}");
                    await server.Fetcher.FetchAsync(d, depDir, null, ct).ConfigureAwait(false);
                }

                if (r.SetupFile != null)
                {
                    Log($"Downloading {what} setup file {r.SetupFile}");
                    setupFiles.Add((what, await server.Fetcher.FetchAsync(r.SetupFile, entityDir, setupName, ct).ConfigureAwait(false)));
                }
            }

            await Entity(cluster, Path.Combine(dir, "genie", "cluster", GenieServer.SafeName(cluster.Id)), $"cluster {cluster.Id}").ConfigureAwait(false);
            foreach (var app in apps)
            {
                await Entity(app, Path.Combine(dir, "genie", "applications", GenieServer.SafeName(app.Id)), $"application {app.Id}").ConfigureAwait(false);
            }

            await Entity(command, Path.Combine(dir, "genie", "command", GenieServer.SafeName(command.Id)), $"command {command.Id}").ConfigureAwait(false);

            foreach (var c in job.Configs)
            {
                Log($"Downloading job config {c}");
                await server.Fetcher.FetchAsync(c, dir, null, ct).ConfigureAwait(false);
            }

            foreach (var d in job.Dependencies.Concat(job.AttachmentUris))
            {
                Log($"Downloading job dependency {d}");
                await server.Fetcher.FetchAsync(d, dir, null, ct).ConfigureAwait(false);
            }

            if (job.SetupFile != null)
            {
                Log($"Downloading job setup file {job.SetupFile}");
                setupFiles.Add(("job", await server.Fetcher.FetchAsync(job.SetupFile, dir, setupName, ct).ConfigureAwait(false)));
            }
        }
        catch (FetchException e)
        {
            Log("ERROR " + e.Message);
            Finish(Statuses.Failed, StatusMessages.DownloadFailed, null, dir);
            return null;
        }

        var script = RunScript.Build(new RunScriptInput(job, cluster, command, apps, dir, setupFiles), server.Generation);
        var runPath = Path.Combine(dir, "run");
        await File.WriteAllTextAsync(runPath, script, new UTF8Encoding(false), ct).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(runPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        Log("Wrote run script " + runPath);
        return setupFiles;
    }

    private async Task SuperviseAsync(Process process, string dir)
    {
        var id = run.JobId;
        var job = server.Store.UpdateJob(id, j =>
        {
            if (Statuses.IsFinished(j.Status))
            {
                return false;
            }

            var t = TimeFormat.NowMs();
            j.Status = Statuses.Running;
            j.StatusMsg = StatusMessages.Running;
            j.Started = t;
            j.Updated = t;
            j.ProcessId = process.Id;
            return true;
        })!;
        Log($"Job process started with pid {process.Id}; status RUNNING");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(job.ResolvedTimeout));
        using var registration = timeout.Token.Register(() => run.RequestKill(StatusMessages.Timeout));
        try
        {
            await process.WaitForExitAsync(run.KillToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log($"Killing job process group ({run.KillReason})");
            await ProcessGroup.KillAsync(process, KillGrace).ConfigureAwait(false);
        }

        var exitCode = process.ExitCode;
        Log($"Job process exited with code {exitCode}");
        if (run.KillReason != null)
        {
            Finish(Statuses.Killed, run.KillReason, 999, dir);
        }
        else if (_g4 && exitCode != 0 && File.Exists(Path.Combine(dir, "genie", "setup_failed.txt")))
        {
            Finish(Statuses.Failed, StatusMessages.SetupFailed, exitCode, dir);
        }
        else if (exitCode == 0)
        {
            Finish(Statuses.Succeeded, StatusMessages.Succeeded, 0, dir);
        }
        else
        {
            Finish(Statuses.Failed, StatusMessages.Failed, exitCode, dir);
        }
    }

    private void FinishKilledBeforeLaunch(string dir)
    {
        var reason = run.KillReason ?? StatusMessages.KilledBySystem;
        if (!_g4 && reason == StatusMessages.KilledByUser)
        {
            reason = StatusMessages.KilledDuringInitG3;
        }

        Finish(Statuses.Killed, reason, null, dir);
    }

    private void SetStatus(string from, string to, string message)
    {
        server.Store.UpdateJob(run.JobId, j =>
        {
            if (j.Status != from)
            {
                return false;
            }

            j.Status = to;
            j.StatusMsg = message;
            j.Updated = TimeFormat.NowMs();
            return true;
        });
    }

    private void Finish(string status, string message, int? exitCode, string dir)
    {
        var stdout = new FileInfo(Path.Combine(dir, "stdout"));
        var stderr = new FileInfo(Path.Combine(dir, "stderr"));
        if (!_g4 && status == Statuses.Killed && Directory.Exists(Path.Combine(dir, "genie")))
        {
            TryWrite(Path.Combine(dir, "genie", "genie.done"), "{\"exitCode\": \"999\"}\n");
        }

        var final = server.Store.UpdateJob(run.JobId, j =>
        {
            if (Statuses.IsFinished(j.Status))
            {
                return false;
            }

            var t = TimeFormat.NowMs();
            j.Status = status;
            j.StatusMsg = message;
            j.Finished = t;
            j.Updated = t;
            j.ExitCode = exitCode;
            j.ArchiveStatus = Directory.Exists(dir) ? ArchiveStatuses.Archived : ArchiveStatuses.NoFiles;
            if (!_g4)
            {
                j.StdOutSize = stdout.Exists ? stdout.Length : 0;
                j.StdErrSize = stderr.Exists ? stderr.Length : 0;
            }

            return true;
        });
        Log($"Job finished with status {final?.Status}: {final?.StatusMsg}");
        if (!_g4 && final is { DisableLogArchival: false } && Directory.Exists(dir))
        {
            ArchiveG3(dir);
        }
    }

    private void ArchiveG3(string dir)
    {
        var archiveDir = Path.Combine(server.Options.DataDir, "archive");
        try
        {
            Directory.CreateDirectory(archiveDir);
            var psi = new ProcessStartInfo("tar") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-czf", Path.Combine(archiveDir, Path.GetFileName(dir) + ".tar.gz"), "-C", Path.GetDirectoryName(dir)!, Path.GetFileName(dir) })
            {
                psi.ArgumentList.Add(a);
            }

            using var tar = Process.Start(psi);
            tar?.StandardOutput.ReadToEnd();
            tar?.StandardError.ReadToEnd();
            tar?.WaitForExit();
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or UnauthorizedAccessException)
        {
            log.LogWarning("Job {JobId}: archiving failed: {Message}", run.JobId, e.Message);
        }
    }

    private void Log(string line)
    {
        if (_agentLog.Length == 0)
        {
            return;
        }

        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
        TryAppend(_agentLog, $"{stamp}  INFO {Environment.ProcessId} --- [genie-agent] c.n.g.a.e.JobExecutionStateMachine : {line}\n");
    }

    private static void TryAppend(string path, string text)
    {
        try
        {
            File.AppendAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // logging must never break a job
        }
    }

    private static void TryWrite(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort
        }
    }
}
