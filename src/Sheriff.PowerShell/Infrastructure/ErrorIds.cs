namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>
    /// Every ErrorId Sheriff writes. They are public API: scripts match on them through FullyQualifiedErrorId
    /// ("&lt;ErrorId&gt;,&lt;cmdlet class full name&gt;"), so never rename one.
    /// </summary>
    public static class ErrorIds
    {
        public const string GenieNotConnected = "GenieNotConnected";
        public const string GenieConnectionFailed = "GenieConnectionFailed";
        public const string GenieRequestFailed = "GenieRequestFailed";
        public const string GenieProtocolError = "GenieProtocolError";
        public const string GenieJobNotFound = "GenieJobNotFound";
        public const string GenieJobFailed = "GenieJobFailed";
        public const string GenieJobWaitTimeout = "GenieJobWaitTimeout";
        public const string GenieJobOutputNotFound = "GenieJobOutputNotFound";
        public const string OutputFileWriteFailed = "OutputFileWriteFailed";
        public const string InvalidGenieUri = "InvalidGenieUri";
        public const string GenieLocalNotFound = "GenieLocalNotFound";
        public const string GenieLocalStartFailed = "GenieLocalStartFailed";
        public const string GenieLocalNotRunning = "GenieLocalNotRunning";
        public const string InvalidParameterValue = "InvalidParameterValue";
        public const string SheriffConfigInvalid = "SheriffConfigInvalid";
        public const string GenieProfileNotFound = "GenieProfileNotFound";
        public const string SparkJobInvalid = "SparkJobInvalid";
        public const string SparkJobFileNotFound = "SparkJobFileNotFound";
        public const string SparkJobConflict = "SparkJobConflict";
        public const string SparkJobTooLarge = "SparkJobTooLarge";
        public const string SparkJobSpecInvalid = "SparkJobSpecInvalid";
        public const string PackageBuildFailed = "PackageBuildFailed";
        public const string StagingFailed = "StagingFailed";
        public const string GenieJobSubmitFailed = "GenieJobSubmitFailed";
    }
}
