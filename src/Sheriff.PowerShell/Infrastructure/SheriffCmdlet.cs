using System;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Sheriff.Core.Genie;

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>
    /// Base of every Sheriff cmdlet: owns the cancellation token that Ctrl+C (StopProcessing) trips, blocks on
    /// Core tasks only on the pipeline thread, and builds error records with stable ids.
    /// </summary>
    public abstract class SheriffCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cts = new CancellationTokenSource();

        /// <summary>Cancelled when the pipeline is stopped.</summary>
        protected CancellationToken Token => _cts.Token;

        protected override void StopProcessing() => _cts.Cancel();

        /// <summary>Waits for a Core task on the pipeline thread; a cancelled wait becomes a pipeline stop.</summary>
        protected T Await<T>(Task<T> task)
        {
            try { return task.GetAwaiter().GetResult(); }
            catch (OperationCanceledException) when (Token.IsCancellationRequested) { throw new PipelineStoppedException(); }
        }

        protected void Await(Task task)
        {
            try { task.GetAwaiter().GetResult(); }
            catch (OperationCanceledException) when (Token.IsCancellationRequested) { throw new PipelineStoppedException(); }
        }

        /// <summary>Builds an error record with a stable id, a category, the target, and optional details and action.</summary>
        protected static ErrorRecord NewError(Exception exception, string errorId, ErrorCategory category, object? target,
            string? recommendedAction = null, string? details = null)
        {
            var record = new ErrorRecord(exception, errorId, category, target);
            if (details != null || recommendedAction != null)
            {
                record.ErrorDetails = new ErrorDetails(details ?? exception.Message);
                if (recommendedAction != null) record.ErrorDetails.RecommendedAction = recommendedAction;
            }
            return record;
        }

        /// <summary>
        /// Maps a Genie failure to an error record: 404 on a job becomes <paramref name="notFoundId"/>, an unreachable
        /// server GenieConnectionFailed, anything else GenieRequestFailed with a category from the HTTP status.
        /// </summary>
        protected static ErrorRecord GenieError(GenieException ex, object? target, string notFoundId = ErrorIds.GenieRequestFailed,
            string? notFoundAction = null)
        {
            switch (ex)
            {
                case GenieApiException api when api.IsNotFound:
                    return NewError(ex, notFoundId, ErrorCategory.ObjectNotFound, target, notFoundAction);
                case GenieApiException api:
                    return NewError(ex, ErrorIds.GenieRequestFailed, CategoryFor(api.StatusCode), target,
                        ActionFor(api.StatusCode));
                case GenieConnectionException conn:
                    return NewError(ex, ErrorIds.GenieConnectionFailed, ErrorCategory.ConnectionError, target ?? conn.Uri,
                        "Check that Genie is running at that address (Start-GenieLocal starts a local one) and that the network allows it.");
                default:
                    return NewError(ex, ErrorIds.GenieProtocolError, ErrorCategory.InvalidResult, target);
            }
        }

        private static ErrorCategory CategoryFor(HttpStatusCode status)
        {
            switch ((int)status)
            {
                case 400: case 412: case 413: return ErrorCategory.InvalidArgument;
                case 401: return ErrorCategory.AuthenticationError;
                case 403: return ErrorCategory.PermissionDenied;
                case 409: return ErrorCategory.ResourceExists;
                case 429: return ErrorCategory.LimitsExceeded;
                default: return (int)status >= 500 ? ErrorCategory.ConnectionError : ErrorCategory.InvalidOperation;
            }
        }

        private static string? ActionFor(HttpStatusCode status)
        {
            switch ((int)status)
            {
                case 401: case 403: return "Check the credentials of the Genie session (Connect-Genie).";
                case 429: return "Too many active jobs for this user: wait for some to finish, then try again.";
                default: return (int)status >= 500 ? "Genie failed to answer; try again, and tell the Genie operators if it persists." : null;
            }
        }

        public void Dispose()
        {
            _cts.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
