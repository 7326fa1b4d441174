using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Sheriff.Core.Auth;
using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Transport;

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>
    /// Base of every Sheriff cmdlet: owns the cancellation token that Ctrl+C (StopProcessing) trips, blocks on
    /// Core tasks only on the pipeline thread, and builds error records with stable ids.
    /// </summary>
    public abstract class SheriffCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cts = new CancellationTokenSource();

        // Tokens of the Sheriff cmdlets running now (any runspace): a transport event raised for one of them goes to
        // that cmdlet only; an event whose token is unknown (a Core-internal token) goes to every listener of the session.
        private static readonly ConcurrentDictionary<CancellationToken, byte> LiveTokens = new ConcurrentDictionary<CancellationToken, byte>();
        private readonly ConcurrentQueue<string> _transportMessages = new ConcurrentQueue<string>();
        private readonly List<KeyValuePair<GenieClient, EventHandler<GenieTransportEvent>>> _listening = new List<KeyValuePair<GenieClient, EventHandler<GenieTransportEvent>>>();

        protected SheriffCmdlet() => LiveTokens[_cts.Token] = 0;

        /// <summary>Cancelled when the pipeline is stopped.</summary>
        protected CancellationToken Token => _cts.Token;

        protected override void StopProcessing() => _cts.Cancel();

        /// <summary>
        /// Collects the session's transport events (retries, give-ups, token refreshes, re-attachments) for this
        /// cmdlet; they are written as -Verbose on the pipeline thread while <see cref="Await{T}(Task{T})"/> waits, and
        /// before anything else this cmdlet writes. Idempotent per session.
        /// </summary>
        protected void ListenTo(GenieSession session)
        {
            if (session == null) return;
            var client = session.Client;
            foreach (var pair in _listening) if (ReferenceEquals(pair.Key, client)) return;
            var mine = Token;
            EventHandler<GenieTransportEvent> handler = (sender, e) =>
            {
                if (e.CallerToken == mine || !LiveTokens.ContainsKey(e.CallerToken)) _transportMessages.Enqueue(e.Message);
            };
            client.TransportEvent += handler;
            _listening.Add(new KeyValuePair<GenieClient, EventHandler<GenieTransportEvent>>(client, handler));
        }

        /// <summary>Writes the queued transport messages as verbose records. Pipeline thread only.</summary>
        protected void FlushTransportMessages()
        {
            while (_transportMessages.TryDequeue(out var message)) base.WriteVerbose(message);
        }

        /// <summary>
        /// Waits for a Core task on the pipeline thread, writing transport messages every 100 ms meanwhile; a stopped
        /// pipeline ends the wait at once (the task is abandoned after 250 ms if it ignores the token).
        /// </summary>
        protected T Await<T>(Task<T> task)
        {
            WaitPumping(task);
            try { return task.GetAwaiter().GetResult(); }
            catch (OperationCanceledException) when (Token.IsCancellationRequested) { throw new PipelineStoppedException(); }
        }

        protected void Await(Task task)
        {
            WaitPumping(task);
            try { task.GetAwaiter().GetResult(); }
            catch (OperationCanceledException) when (Token.IsCancellationRequested) { throw new PipelineStoppedException(); }
        }

        private void WaitPumping(Task task)
        {
            if (!task.IsCompleted)
            {
                var handles = new[] { ((IAsyncResult)task).AsyncWaitHandle, Token.WaitHandle };
                while (!task.IsCompleted)
                {
                    WaitHandle.WaitAny(handles, 100);
                    if (_transportMessages.Count > 0 && !Token.IsCancellationRequested) FlushTransportMessages();
                    if (Token.IsCancellationRequested && !task.IsCompleted)
                    {
                        ((IAsyncResult)task).AsyncWaitHandle.WaitOne(250);
                        if (!task.IsCompleted)
                        {
                            task.ContinueWith(t => { _ = t.Exception; }, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                            throw new PipelineStoppedException();
                        }
                    }
                }
            }
            if (_transportMessages.Count > 0 && !Token.IsCancellationRequested) FlushTransportMessages();
        }

        // Every write first flushes the transport messages, so that "retry 1 of 4" shows before the result it led to.
        // (Cmdlet's Write* methods are not virtual: these hide them for every Sheriff cmdlet.)

        /// <summary>Writes an object after any pending transport messages.</summary>
        public new void WriteObject(object? sendToPipeline)
        {
            FlushTransportMessages();
            base.WriteObject(sendToPipeline);
        }

        /// <summary>Writes an object (enumerated or not) after any pending transport messages.</summary>
        public new void WriteObject(object? sendToPipeline, bool enumerateCollection)
        {
            FlushTransportMessages();
            base.WriteObject(sendToPipeline, enumerateCollection);
        }

        /// <summary>Writes an error after any pending transport messages.</summary>
        public new void WriteError(ErrorRecord errorRecord)
        {
            FlushTransportMessages();
            base.WriteError(errorRecord);
        }

        /// <summary>Writes a verbose message after any pending transport messages.</summary>
        public new void WriteVerbose(string text)
        {
            FlushTransportMessages();
            base.WriteVerbose(text);
        }

        /// <summary>Writes a warning after any pending transport messages.</summary>
        public new void WriteWarning(string text)
        {
            FlushTransportMessages();
            base.WriteWarning(text);
        }

        /// <summary>Throws a terminating error after writing any pending transport messages.</summary>
        public new void ThrowTerminatingError(ErrorRecord errorRecord)
        {
            if (!Token.IsCancellationRequested) FlushTransportMessages();
            base.ThrowTerminatingError(errorRecord);
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
                case GenieJobIdConflictException conflict:
                    return NewError(ex, ErrorIds.GenieJobIdConflict, ErrorCategory.ResourceExists, conflict.JobId,
                        conflict.SameRequest == true
                            ? $"It looks like an earlier run of the same submission: Get-GenieJob -Id '{conflict.JobId}' shows it. To submit again, give a new -JobId (or none, and Sheriff makes one)."
                            : $"Give a new -JobId (or none, and Sheriff makes one); Get-GenieJob -Id '{conflict.JobId}' shows the job that holds this id.");
                case GenieAuthenticationException auth:
                    return NewError(ex, ErrorIds.GenieAuthenticationFailed, ErrorCategory.AuthenticationError, (object?)auth.Target ?? target,
                        "Check the credential given to Connect-Genie (or the profile's auth section): the environment variable, token command, client id and secret.");
                case GenieTlsException tls:
                    return NewError(ex, ErrorIds.GenieConnectionFailed, ErrorCategory.SecurityError, target ?? tls.Uri,
                        "Trust the server's certificate (install its CA), or, for a test server only, use Connect-Genie -SkipCertificateCheck.");
                case GenieContactLostException lost:
                    return NewError(ex, ErrorIds.GenieConnectionFailed, ErrorCategory.ConnectionError, target ?? lost.Uri,
                        "Check that Genie is up; the jobs themselves keep running, so run the same command again once it answers (Connect-Genie -MaxConsecutiveFailures allows a longer outage).");
                case GenieApiException api when api.StatusCode == HttpStatusCode.Unauthorized:
                    return NewError(ex, ErrorIds.GenieAuthenticationFailed, ErrorCategory.AuthenticationError, target,
                        "Genie did not accept the session's credentials: check them (Connect-Genie -Token, -Credential, -OAuthTokenUri ... or the profile's auth section).");
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
            foreach (var pair in _listening) pair.Key.TransportEvent -= pair.Value;
            _listening.Clear();
            LiveTokens.TryRemove(_cts.Token, out _);
            _cts.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
