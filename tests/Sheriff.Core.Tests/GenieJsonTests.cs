using Newtonsoft.Json;
using Sheriff.Core.Genie;
using Xunit;

namespace Sheriff.Core.Tests;

/// <summary>Tolerant reading of both Genie generations (genie-api.md §0, §2, §3.3, §4.2), against hand-written JSON.</summary>
public class GenieJsonTests
{
    [Theory]
    [InlineData("2019-04-16T17:13:50.534Z", 2019, 4, 16, 17, 13, 50, 534)]   // G3: always .SSS
    [InlineData("2024-05-01T10:00:03Z", 2024, 5, 1, 10, 0, 3, 0)]            // G4: no fraction when ms == 0
    [InlineData("2024-05-01T10:00:03.500Z", 2024, 5, 1, 10, 0, 3, 500)]      // G4: .500, never .5
    [InlineData("2019-04-23T17:13:50.512+0000", 2019, 4, 23, 17, 13, 50, 512)] // G3 JobExecution.timeout oddity
    [InlineData("2019-04-23T19:13:50.512+02:00", 2019, 4, 23, 17, 13, 50, 512)]
    public void Timestamps_AllThreeGenieForms_ParseToUtc(string text, int y, int mo, int d, int h, int mi, int s, int ms)
    {
        var value = GenieJson.ParseTimestamp(text)!.Value;
        Assert.Equal(new DateTimeOffset(y, mo, d, h, mi, s, ms, TimeSpan.Zero), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Fact]
    public void Timestamps_NullOrEmpty_AreNull()
    {
        Assert.Null(GenieJson.ParseTimestamp(null));
        Assert.Null(GenieJson.ParseTimestamp(""));
    }

    [Fact]
    public void Timestamps_Garbage_IsAFormatError()
        => Assert.Throws<FormatException>(() => GenieJson.ParseTimestamp("yesterday"));

    [Theory]
    [InlineData("PT7M26.769S", 0, 7, 26, 769)]
    [InlineData("PT0S", 0, 0, 0, 0)]
    [InlineData("PT1H0.5S", 1, 0, 0, 500)]
    public void Durations_IsoText_Parse(string text, int h, int m, int s, int ms)
        => Assert.Equal(new TimeSpan(0, h, m, s, ms), GenieJson.ParseDuration(text));

    [Fact]
    public void ErrorBody_G4_GenieExceptionShape_GivesMessage()
        => Assert.Equal("No job with id x exists", GenieJson.TryReadMessage("{\"errorCode\":404,\"message\":\"No job with id x exists\"}"));

    [Fact]
    public void ErrorBody_G3_SpringBootShape_GivesMessage()
        => Assert.Equal("No cluster/command combination found for the given criteria. Unable to continue",
            GenieJson.TryReadMessage("{\"timestamp\":1555434830534,\"status\":412,\"error\":\"Precondition Failed\",\"exception\":\"com.netflix.genie.common.exceptions.GeniePreconditionException\",\"message\":\"No cluster/command combination found for the given criteria. Unable to continue\",\"path\":\"/api/v3/jobs\"}"));

    [Theory]
    [InlineData("")]
    [InlineData("<html><body>Bad gateway</body></html>")]
    [InlineData("{\"timestamp\":\"2024-01-01T00:00:00Z\",\"status\":400,\"error\":\"Bad Request\",\"message\":\"\",\"path\":\"/api/v3/jobs\"}")]
    [InlineData("[1,2]")]
    public void ErrorBody_WithoutAUsableMessage_IsNull(string body) => Assert.Null(GenieJson.TryReadMessage(body));

    private const string G4Job = """
    {
      "id": "j1", "created": "2024-05-01T10:00:00Z", "updated": "2024-05-01T10:00:08.234Z",
      "tags": ["sheriff", "genie.id:j1", "genie.name:daily"], "version": "NA", "user": "alice", "name": "daily",
      "description": null, "metadata": {"sheriff": {"version": "0.1.0"}}, "commandArgs": "--class A a.jar",
      "status": "SUCCEEDED", "statusMsg": "Job finished successfully.", "started": "2024-05-01T10:00:03.120Z",
      "finished": "2024-05-01T10:00:08.234Z", "archiveLocation": "s3://bucket/genie/j1", "clusterName": "yarn-a",
      "commandName": "spark-submit", "runtime": "PT5.114S", "grouping": null, "groupingInstance": null,
      "someFutureField": {"nested": true},
      "_links": {"self": {"href": "https://genie.example.com/api/v3/jobs/j1"},
                 "output": {"href": "https://genie.example.com/api/v3/jobs/j1/output"}}
    }
    """;

    private const string G3Job = """
    {
      "id": "j3", "created": "2019-04-16T17:13:50.534Z", "updated": "2019-04-16T17:14:00.000Z",
      "tags": ["genie.id:j3"], "version": "NA", "user": "bob", "name": "old",
      "status": "RUNNING", "statusMsg": "Job is Running.", "started": "2019-04-16T17:13:51.000Z", "finished": null,
      "clusterName": "c", "commandName": "spark", "runtime": "PT8.999S",
      "_links": {"self": {"href": "https://genie3/api/v3/jobs/j3"}}
    }
    """;

    [Fact]
    public void Job_G4Shape_MapsEveryField_AndIgnoresUnknownFields()
    {
        var dto = JsonConvert.DeserializeObject<JobDto>(G4Job, GenieJson.Settings)!;
        var job = GenieJob.FromDto(dto, new Uri("https://genie.example.com/"));
        Assert.Equal("j1", job.Id);
        Assert.Equal("SUCCEEDED", job.Status);
        Assert.Equal("Job finished successfully.", job.StatusMessage);
        Assert.Equal(new[] { "genie.id:j1", "genie.name:daily", "sheriff" }, job.Tags);
        Assert.Equal(TimeSpan.FromMilliseconds(5114), job.Runtime);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), job.Created);
        Assert.Equal("{\"sheriff\":{\"version\":\"0.1.0\"}}", job.MetadataJson);
        Assert.Null(job.Description);
        Assert.Equal("https://genie.example.com/api/v3/jobs/j1/output", job.OutputUri!.AbsoluteUri);
        Assert.Equal("https://genie.example.com/jobs?id=j1&rowId=j1", job.UiUri!.AbsoluteUri);
        Assert.True(job.IsFinished);
    }

    [Fact]
    public void Job_G3Shape_WithMissingFields_Maps_AndDerivesMissingLinks()
    {
        var dto = JsonConvert.DeserializeObject<JobDto>(G3Job, GenieJson.Settings)!;
        var job = GenieJob.FromDto(dto, new Uri("https://genie3/"));
        Assert.Equal("RUNNING", job.Status);
        Assert.Null(job.Finished);
        Assert.Null(job.MetadataJson);
        Assert.Null(job.Grouping);
        Assert.Equal("https://genie3/api/v3/jobs/j3/output", job.OutputUri!.AbsoluteUri);
        Assert.False(job.IsFinished);
    }

    [Fact]
    public void Job_LowerCaseStatus_IsUpperCased()
    {
        var dto = JsonConvert.DeserializeObject<JobDto>("{\"id\":\"x\",\"status\":\"running\"}", GenieJson.Settings)!;
        Assert.Equal("RUNNING", GenieJob.FromDto(dto, new Uri("http://h/")).Status);
    }

    [Fact]
    public void Job_NullCollections_BecomeEmpty()
    {
        var dto = JsonConvert.DeserializeObject<JobDto>("{\"id\":\"x\",\"status\":\"INIT\",\"tags\":null}", GenieJson.Settings)!;
        Assert.Empty(GenieJob.FromDto(dto, new Uri("http://h/")).Tags);
    }

    [Fact]
    public void Search_EmptyResult_WithoutEmbedded_HasNoItems()
    {
        var page = JsonConvert.DeserializeObject<HalPage>(
            "{\"_links\":{\"self\":{\"href\":\"http://h/api/v3/jobs{?id}\",\"templated\":true}},\"page\":{\"size\":10,\"totalElements\":0,\"totalPages\":0,\"number\":0}}",
            GenieJson.Settings)!;
        Assert.Empty(page.Items<JobSearchResultDto>("jobSearchResultList"));
        Assert.Equal(0, page.Page!.TotalPages);
    }

    [Fact]
    public void Search_Page_ReadsEmbeddedList()
    {
        var page = JsonConvert.DeserializeObject<HalPage>("""
            {"_embedded":{"jobSearchResultList":[
               {"id":"a","name":"n","user":"u","status":"FAILED","started":"2024-05-01T10:00:03Z","finished":null,
                "clusterName":null,"commandName":null,"runtime":"PT0S","_links":{"self":{"href":"http://h/api/v3/jobs/a"}}}]},
             "page":{"size":10,"totalElements":11,"totalPages":2,"number":0}}
            """, GenieJson.Settings)!;
        var item = Assert.Single(page.Items<JobSearchResultDto>("jobSearchResultList"));
        var job = GenieJob.FromSearchResult(item, new Uri("http://h/"));
        Assert.Equal("a", job.Id);
        Assert.True(job.IsSummary);
        Assert.Equal(TimeSpan.Zero, job.Runtime);
    }

    [Theory]
    [InlineData("SUCCEEDED", true)]
    [InlineData("FAILED", true)]
    [InlineData("KILLED", true)]
    [InlineData("INVALID", true)]
    [InlineData("RUNNING", false)]
    [InlineData("ACCEPTED", false)]
    [InlineData("SOMETHING_NEW", false)]
    public void Status_OnlyTheFourFinishedValuesAreTerminal(string status, bool finished)
        => Assert.Equal(finished, GenieJobStatus.IsFinished(status));

    [Theory]
    [InlineData("http://h:8080", "http://h:8080/")]
    [InlineData("http://h:8080/api/v3", "http://h:8080/")]
    [InlineData("https://h/genie/api/v3/", "https://h/genie/")]
    [InlineData("https://h/genie?x=1", "https://h/genie/")]
    public void BaseUri_IsNormalised(string given, string expected)
        => Assert.Equal(expected, GenieClient.NormalizeBaseUri(new Uri(given)).AbsoluteUri);

    [Fact]
    public void BaseUri_NotHttp_IsRejected()
        => Assert.Throws<ArgumentException>(() => GenieClient.NormalizeBaseUri(new Uri("ftp://h/")));
}
