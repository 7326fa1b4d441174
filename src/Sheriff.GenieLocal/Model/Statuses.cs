namespace Sheriff.GenieLocal.Model;

/// <summary>The kinds of configuration resource.</summary>
internal enum ResourceKind
{
    Application,
    Cluster,
    Command,
}

/// <summary>Status vocabularies of genie-api.md §1 and the fixed status messages of §8.</summary>
internal static class Statuses
{
    public static readonly string[] Application = ["ACTIVE", "DEPRECATED", "INACTIVE"];
    public static readonly string[] Cluster = ["UP", "OUT_OF_SERVICE", "TERMINATED"];
    public static readonly string[] Command = ["ACTIVE", "DEPRECATED", "INACTIVE"];

    public static readonly string[] JobG4 =
        ["RESERVED", "RESOLVED", "ACCEPTED", "CLAIMED", "INIT", "RUNNING", "SUCCEEDED", "KILLED", "FAILED", "INVALID"];

    public static readonly string[] JobG3 = ["INIT", "RUNNING", "SUCCEEDED", "KILLED", "FAILED", "INVALID"];

    public const string Reserved = "RESERVED";
    public const string Resolved = "RESOLVED";
    public const string Accepted = "ACCEPTED";
    public const string Claimed = "CLAIMED";
    public const string Init = "INIT";
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Killed = "KILLED";
    public const string Failed = "FAILED";
    public const string Invalid = "INVALID";

    public static bool IsFinished(string status) =>
        status is Succeeded or Killed or Failed or Invalid;

    public static string[] For(ResourceKind kind) => kind switch
    {
        ResourceKind.Application => Application,
        ResourceKind.Cluster => Cluster,
        _ => Command,
    };

    public static string DefaultG3(ResourceKind kind) => kind == ResourceKind.Cluster ? "OUT_OF_SERVICE" : "INACTIVE";
}

/// <summary>Status messages (genie-api.md §8).</summary>
internal static class StatusMessages
{
    public const string Accepted = "The job has been accepted by the system for execution";
    public const string InitG4 = "Preparing to launch job";
    public const string InitG3 = "Job Accepted and in initialization phase.";
    public const string Running = "Job is Running.";
    public const string Succeeded = "Job finished successfully.";
    public const string Failed = "Job failed.";
    public const string SetupFailed = "Job script failed during setup. See setup log for details";
    public const string ResolutionFailed = "Failed to resolve job given original request and available resources";
    public const string ResolutionFailedG3 = "No cluster/command combination found for the given criteria. Unable to continue";
    public const string DownloadFailed = "Failed to download dependencies";
    public const string DirectoryFailed = "Failed to create job directory";
    public const string LaunchFailed = "Failed to launch job";
    public const string KilledByUser = "Job was killed by user.";
    public const string KilledDuringInitG3 = "User requested job be killed during initialization";
    public const string KilledBySystem = "Job was killed by system.";
    public const string Timeout = "Job exceeded timeout.";
    public const string InitFailedG3 = "Job initialization failed, further details available in the job output directory";
    public const string Restarted = "Job was running when GenieLocal stopped; marked FAILED on restart.";
    public const string InvalidMemoryG3 = "Job requested memory above the maximum allowed.";
}

/// <summary>Archive status of a G4 job (drives /output availability).</summary>
internal static class ArchiveStatuses
{
    public const string Pending = "PENDING";
    public const string Archived = "ARCHIVED";
    public const string Failed = "FAILED";
    public const string Disabled = "DISABLED";
    public const string NoFiles = "NO_FILES";
    public const string Unknown = "UNKNOWN";
}
