using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sheriff.GenieLocal.Jobs;

/// <summary>
/// Starts the run script as the leader of its own session/process group (via setsid), so that a kill reaches every
/// process the job started, then terminates the whole group: SIGTERM, a grace period, SIGKILL.
/// </summary>
internal static class ProcessGroup
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private static readonly bool HasSetsid = File.Exists("/usr/bin/setsid") || File.Exists("/bin/setsid");

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Starts <c>bash ./run</c> in <paramref name="jobDir"/> with output appended to stdout/stderr there.</summary>
    public static Process Start(string jobDir)
    {
        var launcher = (HasSetsid ? "exec setsid bash ./run" : "exec bash ./run") + " >> ./stdout 2>> ./stderr < /dev/null";
        var psi = new ProcessStartInfo("bash")
        {
            WorkingDirectory = jobDir,
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(launcher);
        return Process.Start(psi) ?? throw new Win32Exception("bash did not start");
    }

    /// <summary>
    /// After a crash of a previous server: SIGKILLs the process group <paramref name="pgid"/> if its leader still runs
    /// in <paramref name="jobDir"/> (checked through /proc, so a recycled pid is left alone).
    /// </summary>
    public static bool KillOrphan(int pgid, string jobDir)
    {
        try
        {
            var cwd = new DirectoryInfo($"/proc/{pgid}/cwd").LinkTarget;
            if (cwd == null || !string.Equals(Path.TrimEndingDirectorySeparator(cwd), Path.TrimEndingDirectorySeparator(jobDir), StringComparison.Ordinal))
            {
                return false;
            }

            return SysKill(HasSetsid ? -pgid : pgid, SigKill) == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Terminates the process group and waits for the leader to exit.</summary>
    public static async Task KillAsync(Process process, TimeSpan grace)
    {
        if (process.HasExited)
        {
            return;
        }

        var pid = process.Id;
        if (HasSetsid)
        {
            SysKill(-pid, SigTerm);
        }
        else
        {
            SysKill(pid, SigTerm);
        }

        using (var cts = new CancellationTokenSource(grace))
        {
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // still alive after the grace period
            }
        }

        if (HasSetsid)
        {
            // The leader may be gone while children linger: SIGKILL the group regardless.
            SysKill(-pid, SigKill);
        }

        if (!process.HasExited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
    }
}
