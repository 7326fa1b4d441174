namespace Sheriff.GenieLocal.Api;

/// <summary>
/// An error answered to the client. <see cref="LegacyFamily"/> selects the G4 body shape:
/// <c>{"errorCode": n, "message": ...}</c> (GenieException family) or <c>{"message": ...}</c> (newer family).
/// </summary>
internal sealed class GenieApiException : Exception
{
    public GenieApiException(int status, string message, bool legacyFamily = true, string? javaException = null)
        : base(message)
    {
        Status = status;
        LegacyFamily = legacyFamily;
        JavaException = javaException;
    }

    public int Status { get; }

    public bool LegacyFamily { get; }

    /// <summary>Java class name shown in G3 Spring Boot error bodies.</summary>
    public string? JavaException { get; }

    public static GenieApiException BadRequest(string message) =>
        new(400, message, true, "com.netflix.genie.common.exceptions.GenieBadRequestException");

    public static GenieApiException Precondition(string message) =>
        new(412, message, true, "com.netflix.genie.common.exceptions.GeniePreconditionException");

    public static GenieApiException NotFound(string message) =>
        new(404, message, false, "com.netflix.genie.common.exceptions.GenieNotFoundException");

    public static GenieApiException Conflict(string message) =>
        new(409, message, true, "com.netflix.genie.common.exceptions.GenieConflictException");

    public static GenieApiException TooLarge(string message) =>
        new(413, message, false, "org.springframework.web.multipart.MaxUploadSizeExceededException");

    public static GenieApiException JobNotFound(string id) => NotFound($"No job with id {id} exists");
}
