using System.Diagnostics;
using System.IO.Compression;
using Xunit;

namespace Sheriff.Core.Tests.Packaging;

/// <summary>The built-in exclusions and the package-folder prefix, over real folders.</summary>
public class ExclusionTests
{
    [Theory]
    [InlineData(".git/config", false)]
    [InlineData(".git", false)] // a worktree/submodule pointer file
    [InlineData("__pycache__/m.cpython-311.pyc", false)]
    [InlineData("pkg/__pycache__/stale.py", false)]
    [InlineData("a.pyc", false)]
    [InlineData("pkg/b.pyo", false)]
    [InlineData("myenv/lib/site.py", false, "myenv/pyvenv.cfg")]
    [InlineData("venv/lib/x.py", false, "venv/bin/activate")]
    [InlineData(".venv/Lib/x.py", false, ".venv/Scripts/activate")]
    [InlineData("env/x.py", false, "env/bin/activate")]
    [InlineData("env/settings.py", true)] // a folder called env without an activate script is code
    [InlineData("venv/helpers.py", true)]
    [InlineData("build/lib/pkg/a.py", false)]
    [InlineData("sub/build/x.py", false)]
    [InlineData("dist/pkg-1.0.tar.gz", false)]
    [InlineData("build/steps.py", true, "build/__init__.py")] // a package that happens to be called build
    [InlineData("pkg.egg-info/PKG-INFO", false)]
    [InlineData(".eggs/x.egg", false)]
    [InlineData(".pytest_cache/v/cache/lastfailed", false)]
    [InlineData(".mypy_cache/3.11/x.json", false)]
    [InlineData(".tox/py311/log.txt", false)]
    [InlineData(".ipynb_checkpoints/nb-checkpoint.ipynb", false)]
    [InlineData("pkg/.ipynb_checkpoints/nb-checkpoint.ipynb", false)]
    [InlineData(".gitignore", false)]
    [InlineData("pkg/.sheriffignore", false)]
    [InlineData(".flake8", true)] // other dotfiles ship
    [InlineData("pkg/data.csv", true)]
    public void Built_in_exclusion(string probe, bool included, params string[] alsoCreate)
    {
        using var project = new TempProject();
        project.Write("main.py");
        foreach (var f in alsoCreate) project.Write(f, "");
        project.Write(probe, "");

        var planned = project.PlanPaths();

        Assert.Contains("main.py", planned);
        Assert.Equal(included, planned.Contains(probe));
        foreach (var f in alsoCreate)
        {
            // the marker files follow their folder
            if (!included) Assert.DoesNotContain(f, planned);
        }
    }

    [Fact]
    public void Entries_are_relative_to_the_project_folder()
    {
        using var project = new TempProject("jobs");
        project.Write("mypkg/__init__.py", "");
        project.Write("mypkg/etl.py", "VALUE = 42\n");
        project.Write("run.py");

        Assert.Equal(new[] { "mypkg/__init__.py", "mypkg/etl.py", "run.py" }, project.PlanPaths());
        AssertImportable(project, "mypkg.etl", "VALUE", "42");
    }

    [Fact]
    public void A_package_folder_is_prefixed_with_its_name()
    {
        using var project = new TempProject("mypkg");
        project.Write("__init__.py", "");
        project.Write("etl.py", "VALUE = 7\n");
        project.Write("sub/__init__.py", "");
        project.Write("sub/x.py");

        Assert.Equal(new[] { "mypkg/__init__.py", "mypkg/etl.py", "mypkg/sub/__init__.py", "mypkg/sub/x.py" }, project.PlanPaths());
        AssertImportable(project, "mypkg.etl", "VALUE", "7");
    }

    [Fact]
    public void Ignore_rules_of_a_package_folder_are_relative_to_it_not_to_the_prefix()
    {
        using var project = new TempProject("mypkg");
        project.Write("__init__.py", "");
        project.Write(".gitignore", "/local_settings.py\n");
        project.Write("local_settings.py");
        project.Write("settings.py");

        Assert.Equal(new[] { "mypkg/__init__.py", "mypkg/settings.py" }, project.PlanPaths());
    }

    /// <summary>
    /// The entry names above are the contract; when a python3 is on PATH, also prove the zip imports the way
    /// spark-submit --py-files will use it (zipimport from sys.path).
    /// </summary>
    private static void AssertImportable(TempProject project, string module, string attribute, string expected)
    {
        var result = project.Packager().Package(project.Path_, CancellationToken.None);
        using (var zip = ZipFile.OpenRead(result.ZipPath))
        {
            Assert.Equal(result.Entries.Select(e => e.Path), zip.Entries.Select(e => e.FullName));
        }
        string? python = FindOnPath("python3");
        if (python == null) return;
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-S");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"import sys; sys.path.insert(0, sys.argv[1]); import {module} as m; print(m.{attribute})");
        psi.ArgumentList.Add(result.ZipPath);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr);
        Assert.Equal(expected, stdout.Trim());
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
