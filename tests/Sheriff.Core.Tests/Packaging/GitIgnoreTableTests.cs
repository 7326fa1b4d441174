using Sheriff.Core.Packaging;
using Xunit;

namespace Sheriff.Core.Tests.Packaging;

/// <summary>
/// Gitignore semantics over real folders. Every expectation in <see cref="Cases"/> was checked against
/// <c>git ls-files --others --exclude-standard</c> (git 2.39) on the same tree.
/// </summary>
public class GitIgnoreTableTests
{
    private static readonly Dictionary<string, (Dictionary<string, string?> Files, string[] Expected)> Cases = new()
    {
            ["comments-and-blank-lines"] = (new Dictionary<string, string?> { [".gitignore"] = "# a comment\n\n*.log\n   \n", ["a.py"] = null, ["b.log"] = null, ["sub/c.log"] = null }, new[] { "a.py" }),
            ["negation"] = (new Dictionary<string, string?> { [".gitignore"] = "*.log\n!important.log\n", ["a.log"] = null, ["important.log"] = null, ["sub/important.log"] = null, ["sub/other.log"] = null }, new[] { "important.log", "sub/important.log" }),
            ["negation-last-match-wins"] = (new Dictionary<string, string?> { [".gitignore"] = "!keep.txt\n*.txt\n", ["keep.txt"] = null, ["a.py"] = null }, new[] { "a.py" }),
            ["leading-slash-anchors"] = (new Dictionary<string, string?> { [".gitignore"] = "/root.txt\n", ["root.txt"] = null, ["sub/root.txt"] = null }, new[] { "sub/root.txt" }),
            ["no-slash-matches-any-depth"] = (new Dictionary<string, string?> { [".gitignore"] = "secret.txt\n", ["secret.txt"] = null, ["a/b/secret.txt"] = null, ["a/keep.txt"] = null }, new[] { "a/keep.txt" }),
            ["trailing-slash-dirs-only"] = (new Dictionary<string, string?> { [".gitignore"] = "data/\n", ["data/x.csv"] = null, ["sub/data"] = null, ["sub/data2/y.csv"] = null, ["deep/data/z.csv"] = null }, new[] { "sub/data", "sub/data2/y.csv" }),
            ["star-does-not-cross-slash"] = (new Dictionary<string, string?> { [".gitignore"] = "src/*.py\n", ["src/a.py"] = null, ["src/sub/b.py"] = null, ["other/src/c.py"] = null }, new[] { "other/src/c.py", "src/sub/b.py" }),
            ["question-mark"] = (new Dictionary<string, string?> { [".gitignore"] = "file?.txt\n", ["file1.txt"] = null, ["file10.txt"] = null, ["file.txt"] = null }, new[] { "file.txt", "file10.txt" }),
            ["bracket-range-and-negated-class"] = (new Dictionary<string, string?> { [".gitignore"] = "log[0-9].txt\nx[!ab].md\n", ["log1.txt"] = null, ["loga.txt"] = null, ["xa.md"] = null, ["xc.md"] = null }, new[] { "loga.txt", "xa.md" }),
            ["bracket-named-class"] = (new Dictionary<string, string?> { [".gitignore"] = "v[[:digit:]].py\n", ["v1.py"] = null, ["vx.py"] = null }, new[] { "vx.py" }),
            ["leading-double-star"] = (new Dictionary<string, string?> { [".gitignore"] = "**/temp\n", ["temp/a.py"] = null, ["x/y/temp/b.py"] = null, ["x/temporary.py"] = null }, new[] { "x/temporary.py" }),
            ["leading-double-star-with-path"] = (new Dictionary<string, string?> { [".gitignore"] = "**/foo/bar.py\n", ["foo/bar.py"] = null, ["a/b/foo/bar.py"] = null, ["a/foo/baz.py"] = null }, new[] { "a/foo/baz.py" }),
            ["trailing-double-star-reinclude"] = (new Dictionary<string, string?> { [".gitignore"] = "cache/**\n!cache/keep.txt\n", ["cache/a.bin"] = null, ["cache/keep.txt"] = null, ["cache/sub/b.bin"] = null, ["main.py"] = null }, new[] { "cache/keep.txt", "main.py" }),
            ["middle-double-star"] = (new Dictionary<string, string?> { [".gitignore"] = "a/**/b.txt\n", ["a/b.txt"] = null, ["a/x/b.txt"] = null, ["a/x/y/b.txt"] = null, ["b.txt"] = null, ["c/a/x/b.txt"] = null }, new[] { "b.txt", "c/a/x/b.txt" }),
            ["double-star-inside-segment-is-star"] = (new Dictionary<string, string?> { [".gitignore"] = "a**z.txt\n", ["abcz.txt"] = null, ["sub/az.txt"] = null, ["a/z.txt"] = null }, new[] { "a/z.txt" }),
            ["escaped-hash-and-bang"] = (new Dictionary<string, string?> { [".gitignore"] = "\\#notes.txt\n\\!bang.txt\n", ["#notes.txt"] = null, ["!bang.txt"] = null, ["notes.txt"] = null }, new[] { "notes.txt" }),
            ["nested-gitignore-is-relative"] = (new Dictionary<string, string?> { ["sub/.gitignore"] = "/only_here.txt\nlocal/*.tmp\n", ["only_here.txt"] = null, ["sub/only_here.txt"] = null, ["sub/deeper/only_here.txt"] = null, ["sub/local/a.tmp"] = null, ["local/b.tmp"] = null }, new[] { "local/b.tmp", "only_here.txt", "sub/deeper/only_here.txt" }),
            ["nested-gitignore-overrides-parent"] = (new Dictionary<string, string?> { [".gitignore"] = "*.csv\n", ["sub/.gitignore"] = "!keep.csv\n", ["keep.csv"] = null, ["sub/keep.csv"] = null, ["sub/other.csv"] = null }, new[] { "sub/keep.csv" }),
            ["cannot-reinclude-inside-ignored-dir"] = (new Dictionary<string, string?> { [".gitignore"] = "logs/\n!logs/keep.log\n", ["logs/keep.log"] = null, ["logs/x.log"] = null, ["app.py"] = null }, new[] { "app.py" }),
            ["trailing-spaces-trimmed-unless-escaped"] = (new Dictionary<string, string?> { [".gitignore"] = "trail.txt   \nsp\\ \n", ["trail.txt"] = null, ["sp "] = null, ["sp"] = null }, new[] { "sp" }),
            ["middle-slash-anchors"] = (new Dictionary<string, string?> { [".gitignore"] = "docs/build.txt\n", ["docs/build.txt"] = null, ["x/docs/build.txt"] = null }, new[] { "x/docs/build.txt" }),
            ["crlf-line-endings"] = (new Dictionary<string, string?> { [".gitignore"] = "*.log\r\n!keep.log\r\n", ["a.log"] = null, ["keep.log"] = null }, new[] { "keep.log" }),
            ["dir-only-negation"] = (new Dictionary<string, string?> { [".gitignore"] = "out*\n!out_dir/\n", ["out.txt"] = null, ["out_dir/a.py"] = null, ["out_file"] = null }, new[] { "out_dir/a.py" }),
            ["star-slash-one-level"] = (new Dictionary<string, string?> { [".gitignore"] = "*/generated.py\n", ["generated.py"] = null, ["a/generated.py"] = null, ["a/b/generated.py"] = null }, new[] { "a/b/generated.py", "generated.py" }),
    };

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Gitignore_matches_git(string name)
    {
        var (files, expected) = Cases[name];
        using var project = new TempProject();
        foreach (var (path, content) in files) project.Write(path, content ?? "x");

        var planned = project.PlanPaths();

        Assert.Equal(expected.OrderBy(p => p, StringComparer.Ordinal).ToList(), planned);
    }

    [Theory]
    [InlineData("*.py", "a.py", true)]
    [InlineData("*.py", "dir/a.py", false)]
    [InlineData("**/a.py", "a.py", true)]
    [InlineData("**/a.py", "x/y/a.py", true)]
    [InlineData("x/**", "x/y/z", true)]
    [InlineData("x/**", "x", false)]
    [InlineData("x/**/z", "x/z", true)]
    [InlineData("x/**/z", "x/a/b/z", true)]
    [InlineData("x/**/z", "y/x/a/z", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "a/c", false)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("[!a-c]x", "bx", false)]
    [InlineData("[^a-c]x", "dx", true)]
    [InlineData("[]]x", "]x", true)]
    [InlineData("[a-]x", "-x", true)]
    [InlineData("\\*", "*", true)]
    [InlineData("\\*", "x", false)]
    [InlineData("\\[x]", "[x]", true)]
    [InlineData("a**b", "axxb", true)]
    [InlineData("a**b", "a/b", false)]
    [InlineData("[[:upper:]][[:lower:]]", "Ab", true)]
    [InlineData("[[:bogus:]]", "a", false)]
    [InlineData("[unclosed", "u", false)]
    public void Wildmatch_with_pathname(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, WildMatch.IsMatch(pattern, text, pathName: true));
    }

    [Fact]
    public void Sheriffignore_applies_after_gitignore_and_can_reinclude()
    {
        using var project = new TempProject();
        project.Write(".gitignore", "*.json\nnotes/\n");
        project.Write(".sheriffignore", "!config.json\n*.ipynb\n!notes/keep.md\n");
        project.Write("config.json");
        project.Write("other.json");
        project.Write("analysis.ipynb");
        project.Write("notes/keep.md");
        project.Write("job.py");

        var planned = project.PlanPaths();

        // notes/ stays out: a re-include cannot reach into a folder that is itself excluded.
        Assert.Equal(new[] { "config.json", "job.py" }, planned);
    }

    [Fact]
    public void Nested_sheriffignore_is_relative_to_its_folder()
    {
        using var project = new TempProject();
        project.Write("pkg/__init__.py");
        project.Write("pkg/.sheriffignore", "/fixtures/\n");
        project.Write("pkg/fixtures/big.csv");
        project.Write("fixtures/top.csv");

        Assert.Equal(new[] { "fixtures/top.csv", "pkg/__init__.py" }, project.PlanPaths());
    }
}
