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
        public const string GenieClusterNotFound = "GenieClusterNotFound";
        public const string GenieCommandNotFound = "GenieCommandNotFound";
        public const string GenieApplicationNotFound = "GenieApplicationNotFound";
        /// <summary>A create with an id that is already taken (HTTP 409).</summary>
        public const string GenieResourceExists = "GenieResourceExists";
        /// <summary>Resolve-GenieJob: no command/cluster matches the criteria (non-terminating; the resolution is still emitted).</summary>
        public const string GenieNoMatch = "GenieNoMatch";
        /// <summary>Switch-GenieCluster/-Command: a step failed or was stopped; the message says what was rolled back and whether fully.</summary>
        public const string GenieSwitchFailed = "GenieSwitchFailed";
        /// <summary>Switch-GenieCluster/-Command: a check failed before anything changed (target not UP/ACTIVE, not selectable, nothing to move).</summary>
        public const string GenieSwitchPreconditionFailed = "GenieSwitchPreconditionFailed";
        /// <summary>Switch-GenieCluster -Drain: the old cluster still ran jobs at the timeout (the switch is kept, the cluster stays UP).</summary>
        public const string GenieDrainTimeout = "GenieDrainTimeout";
        /// <summary>Get-JobDiagnosis: a diagnosis rule file (-RulePath or the config's diagnosisRules) is malformed; the message names file, rule and field.</summary>
        public const string RuleFileInvalid = "RuleFileInvalid";
        /// <summary>Invoke-SparkSql and the table statistics cmdlets: the SQL job failed; the message carries the engine's message and the query line it points at; target: the job id.</summary>
        public const string SparkSqlFailed = "SparkSqlFailed";
        /// <summary>Invoke-SparkSql -Parameters: a ${name} placeholder without a parameter, a parameter without a placeholder, or a value that cannot be a SQL literal there.</summary>
        public const string SparkSqlParameterInvalid = "SparkSqlParameterInvalid";
        /// <summary>A SQL request value is not valid (an empty query, a bad table or column name, a format the engine lacks); nothing was sent.</summary>
        public const string SparkSqlInvalid = "SparkSqlInvalid";
        /// <summary>The SQL job succeeded but left no result file (or an unreadable one); target: the job id.</summary>
        public const string SparkSqlResultInvalid = "SparkSqlResultInvalid";
        /// <summary>A submission's job id is taken by a different request (or by a submission this session did not make); target: the id.</summary>
        public const string GenieJobIdConflict = "GenieJobIdConflict";
        /// <summary>The credential could not be obtained (missing environment variable, failing token command, token endpoint refused) or Genie answered 401.</summary>
        public const string GenieAuthenticationFailed = "GenieAuthenticationFailed";
    }
}
