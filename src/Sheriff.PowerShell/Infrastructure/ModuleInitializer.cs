using System.Management.Automation;
#if NETFRAMEWORK
using System;
using System.IO;
using System.Reflection;
#endif

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>
    /// Windows PowerShell applies no binding redirects to modules, while the .NET back-port packages we ship stamp
    /// patch numbers into their assembly versions. On .NET Framework, load such dependencies from the module folder
    /// whatever version was asked for. On PowerShell 7 this does nothing.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        public void OnImport()
        {
#if NETFRAMEWORK
            AppDomain.CurrentDomain.AssemblyResolve += ResolveFromModuleFolder;
#endif
        }

#if NETFRAMEWORK
        private static readonly string Folder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;

        private static Assembly? ResolveFromModuleFolder(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            var candidate = Path.Combine(Folder, name + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        }
#endif
    }
}
