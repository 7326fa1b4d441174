using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using Sheriff.PowerShell.Commands;

namespace Sheriff.PowerShell.Tests;

/// <summary>Hosts the module in-process (Microsoft.PowerShell.SDK) in a fresh runspace per use.</summary>
public static class HostedModule
{
    public static readonly string GenieLocalDll = typeof(HostedModule).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "GenieLocalDll").Value!;

    static HostedModule()
    {
        // Start-GenieLocal finds the server through this variable when the module is not laid out by build.ps1.
        Environment.SetEnvironmentVariable("SHERIFF_GENIELOCAL_PATH", Path.GetFullPath(GenieLocalDll));
    }

    public static Runspace OpenRunspace()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(new[] { typeof(GetGenieJobCommand).Assembly.Location });
        var rs = RunspaceFactory.CreateRunspace(iss);
        rs.Open();
        return rs;
    }

    public static string NewTempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sheriff-xunit-" + Guid.NewGuid().ToString("n")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static Collection<PSObject> Run(Runspace rs, string script, out List<ErrorRecord> errors)
    {
        using var ps = System.Management.Automation.PowerShell.Create(rs);
        ps.AddScript(script);
        var result = ps.Invoke();
        errors = ps.Streams.Error.ToList();
        return result;
    }
}
