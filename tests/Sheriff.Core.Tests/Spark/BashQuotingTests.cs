using System.Diagnostics;
using System.Text;
using Sheriff.Core.Spark;
using Xunit;

namespace Sheriff.Core.Tests.Spark;

/// <summary>Every argument Sheriff builds must survive bash exactly: proven by letting a real bash split them.</summary>
public class BashQuotingTests
{
    public static TheoryData<string> Arguments => new()
    {
        "plain", "with space", "it's", "double \"quotes\"", "$HOME", "${PATH}", "`id`", "$(id)", "*", "?", "[ab]", "~",
        "a;b", "a|b", "a&b", "a>b", "#comment", "back\\slash", "tab\there", "new\nline", "ünïcödé ✓ 日本", "", " ", "'", "''",
        "--conf", "spark.x=a b", "!bang", "{a,b}",
    };

    [Theory]
    [MemberData(nameof(Arguments))]
    public void Quote_SurvivesBash_Exactly(string argument)
        => Assert.Equal(new[] { argument }, SplitByBash(BashQuoting.Quote(argument)));

    [Fact]
    public void Join_KeepsEveryArgumentApart_InOrder()
    {
        var args = new[] { "--name", "my job", "", "it's $5", "*.py", "ü" };
        Assert.Equal(args, SplitByBash(BashQuoting.Join(args)));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("spark.executor.memory=4g", "spark.executor.memory=4g")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    public void Quote_LeavesSafeWordsBare_AndSingleQuotesTheRest(string argument, string expected)
        => Assert.Equal(expected, BashQuoting.Quote(argument));

    private static string[] SplitByBash(string commandLine)
    {
        // printf '%s\0' prints each argument bash produced, NUL-terminated.
        var psi = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        using var p = Process.Start(psi)!;
        p.StandardInput.Write("printf '%s\\0' " + commandLine + "\n");
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        var parts = output.Split('\0');
        return parts.Take(parts.Length - 1).ToArray();
    }
}
