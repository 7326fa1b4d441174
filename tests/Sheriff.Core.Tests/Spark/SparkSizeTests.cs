using Sheriff.Core.Spark;
using Xunit;

namespace Sheriff.Core.Tests.Spark;

public class SparkSizeTests
{
    [Theory]
    [InlineData("512m", "512m")]
    [InlineData("4g", "4g")]
    [InlineData("4G", "4g")]
    [InlineData("4gb", "4g")]
    [InlineData("4GB", "4g")]
    [InlineData("4Gb", "4g")]
    [InlineData("1024", "1024")]
    [InlineData("1b", "1b")]
    [InlineData("1B", "1b")]
    [InlineData("64k", "64k")]
    [InlineData("64KB", "64k")]
    [InlineData("2048mb", "2048m")]
    [InlineData("1t", "1t")]
    [InlineData("1tb", "1t")]
    [InlineData("2p", "2p")]
    [InlineData("2PB", "2p")]
    [InlineData("008g", "8g")]
    public void Good_Normalizes(string text, string expected)
    {
        Assert.True(SparkSize.TryNormalize(text, out var normalized, out var error), error);
        Assert.Equal(expected, normalized);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("4 GB")]
    [InlineData("4 g")]
    [InlineData(" 4g")]
    [InlineData("4g ")]
    [InlineData("-3g")]
    [InlineData("+3g")]
    [InlineData("0g")]
    [InlineData("0")]
    [InlineData("000m")]
    [InlineData("4gig")]
    [InlineData("4x")]
    [InlineData("4.5g")]
    [InlineData("g")]
    [InlineData("4gbb")]
    [InlineData("4bb")]
    [InlineData("4e3m")]
    [InlineData("١٢m")]           // non-ASCII digits
    [InlineData("99999999999999999999g")]
    [InlineData("9000p")]          // overflows Spark's byte count
    [InlineData("")]
    [InlineData(null)]
    public void Bad_AreRejectedWithAReason(string? text)
    {
        Assert.False(SparkSize.TryNormalize(text, out var normalized, out var error));
        Assert.Equal("", normalized);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Error_NamesTheTextAndTheAcceptedForm()
    {
        SparkSize.TryNormalize("4 GB", out _, out var error);
        Assert.Contains("'4 GB'", error);
        Assert.Contains("512m or 4g", error);
        SparkSize.TryNormalize("0g", out _, out error);
        Assert.Contains("greater than zero", error);
    }
}
