using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the output of Genie jobs: stdout, stderr or any file of the job directory, as lines, as one string, saved to a file, or as a directory listing.</para>
    /// <para type="description">Reads a file of each job's output directory. By default it writes stdout
    /// line by line as it downloads, without holding the file in memory. -Path picks another file (stderr,
    /// genie/logs/env.log, spark.log ...). -Tail returns only the last lines and downloads only the end of the file.
    /// -Follow keeps reading while the job runs, like tail -f, and returns when the job has finished and everything it
    /// wrote has been read; Ctrl+C stops it at once. -Raw returns the whole file as one string. -OutFile saves the
    /// bytes exactly as Genie has them (binary-safe). -List lists a directory of the job's output.</para>
    /// <para type="description">Text is decoded as UTF-8; bytes that are not valid UTF-8 become U+FFFD and never fail
    /// the command. Lines end at LF, and a CR before it is removed.</para>
    /// <para type="description">Job ids come from -Id, from the pipeline (strings, GenieJob objects, or any object
    /// with an Id or JobId property) and are read one after another. An unknown job writes GenieJobNotFound; a job
    /// without that file writes GenieJobOutputNotFound (target "&lt;id&gt;/&lt;path&gt;"); both go on to the next
    /// id.</para>
    /// </summary>
    /// <example>
    /// <code>Get-GenieJobOutput -Id 3f2c9a10</code>
    /// <para>Writes the job's stdout, one string per line.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieJobOutput 3f2c9a10 -Path stderr -Tail 50</code>
    /// <para>The last 50 lines of stderr; only the end of the file is downloaded.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieJob -Id 3f2c9a10 | Get-GenieJobOutput -Follow -Tail 20</code>
    /// <para>Shows the last 20 lines of stdout, then streams new lines while the job runs, and returns when it has finished.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieJobOutput 3f2c9a10 -List -Path genie/logs</code>
    /// <para>Lists the Genie log directory of the job.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieJobOutput 3f2c9a10 -Path result.parquet -OutFile ./result.parquet -PassThru</code>
    /// <para>Saves a binary file byte for byte and returns the FileInfo.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "GenieJobOutput", DefaultParameterSetName = LinesSet)]
    [OutputType(typeof(string), ParameterSetName = new[] { LinesSet, RawSet })]
    [OutputType(typeof(GenieOutputEntry), ParameterSetName = new[] { ListSet })]
    [OutputType(typeof(FileInfo), ParameterSetName = new[] { OutFileSet })]
    public sealed class GetGenieJobOutputCommand : GenieCmdletBase
    {
        private const string LinesSet = "Lines";
        private const string RawSet = "Raw";
        private const string OutFileSet = "OutFile";
        private const string ListSet = "List";
        private const string DefaultPath = "stdout";

        /// <summary>
        /// <para type="description">One or more job ids. Binds from the pipeline and from an Id or JobId property (GenieJob
        /// objects, the entries -List writes, CSV rows). Jobs are read one after another.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary>
        /// <para type="description">The file (or, with -List, the directory) relative to the job directory, with / or \
        /// separators: stdout (the default), stderr, run, spark.log, genie/logs/env.log ... With -List the default is the
        /// job directory itself. Binds from a Path property, so the entries of -List can be piped back in.</para>
        /// </summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public string? Path { get; set; }

        /// <summary>
        /// <para type="description">Lists the directory at -Path (default: the job directory) instead of reading a file:
        /// one GenieOutputEntry per sub-directory, then per file. A file path lists just that file.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = ListSet)]
        public SwitchParameter List { get; set; }

        /// <summary>
        /// <para type="description">Only the last N lines. They are read from the end of the file with Range requests
        /// (8 KiB first, then a window 4 times larger each time), so a tail of a huge log downloads little. 0 with
        /// -Follow shows only what is written from now on.</para>
        /// </summary>
        [Parameter(ParameterSetName = LinesSet)]
        [Parameter(ParameterSetName = RawSet)]
        [Parameter(ParameterSetName = OutFileSet)]
        [Alias("Last")]
        [ValidateRange(0, int.MaxValue)]
        public int? Tail { get; set; }

        /// <summary>
        /// <para type="description">Keeps reading while the job runs (about once a second once caught up) and returns
        /// when the job has finished and its last output has been read. A partial last line is held until its newline
        /// arrives or the job ends. Ctrl+C stops following at once. A file that does not exist yet is waited for until
        /// the job ends.</para>
        /// </summary>
        [Parameter(ParameterSetName = LinesSet)]
        [Parameter(ParameterSetName = OutFileSet)]
        [Alias("Wait")]
        public SwitchParameter Follow { get; set; }

        /// <summary>
        /// <para type="description">Returns the file (or, with -Tail, its last lines) as one string, line ends kept,
        /// instead of one string per line. Cannot be combined with -Follow.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = RawSet)]
        public SwitchParameter Raw { get; set; }

        /// <summary>
        /// <para type="description">Saves the bytes to this file exactly as Genie has them (binary-safe; with -Tail,
        /// the bytes of the last lines; with -Follow, everything written until the job ends). Relative paths are
        /// relative to the current PowerShell location. Writes nothing to the pipeline unless -PassThru is given. The
        /// file is created only once Genie has answered; a failed download removes the incomplete file, while a
        /// stopped or failed -Follow keeps what was saved.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = OutFileSet)]
        [ValidateNotNullOrEmpty]
        public string? OutFile { get; set; }

        /// <summary><para type="description">With -OutFile: writes the saved file's FileInfo.</para></summary>
        [Parameter(ParameterSetName = OutFileSet)]
        public SwitchParameter PassThru { get; set; }

        private string? _outFileJob;

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            var reader = new JobOutputReader(session.Client);
            foreach (var id in Id)
            {
                var path = JobOutputReader.NormalizePath(Path ?? (List ? "" : DefaultPath));
                try
                {
                    if (path.Length == 0 && !List)
                    {
                        WriteError(NewError(new ArgumentException("-Path names the job directory, not a file. Use -List to list it."),
                            ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, id + "/", "Use -List, or give -Path a file such as stdout."));
                        continue;
                    }
                    switch (ParameterSetName)
                    {
                        case ListSet:
                            foreach (var entry in Await(reader.ListAsync(id, path, Token))) WriteObject(entry);
                            break;
                        case RawSet:
                            WriteObject(Tail.HasValue
                                ? ReadTail(reader, id, path, Tail.Value, includePartial: true).Text
                                : Await(reader.ReadAllTextAsync(id, path, Token)));
                            break;
                        case OutFileSet:
                            if (!SaveToFile(reader, id, path)) continue;
                            break;
                        default:
                            WriteLines(reader, id, path);
                            break;
                    }
                    RunspaceState.Current.RememberJobId(id);
                }
                catch (GenieOutputNotFoundException ex)
                {
                    WriteError(NewError(ex, ErrorIds.GenieJobOutputNotFound, ErrorCategory.ObjectNotFound, id + "/" + path,
                        $"Run Get-GenieJobOutput -Id {id} -List to see the job's files."));
                }
                catch (GenieOutputIsDirectoryException ex)
                {
                    WriteError(NewError(ex, ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, id + "/" + path,
                        $"Use Get-GenieJobOutput -Id {id} -Path '{path}' -List to list it."));
                }
                catch (GenieConnectionException ex)
                {
                    ThrowTerminatingError(GenieError(ex, id));
                }
                catch (GenieException ex)
                {
                    WriteError(GenieError(ex, id, ErrorIds.GenieJobNotFound, "Check the id; Get-GenieJob -Mine lists your recent jobs."));
                }
            }
        }

        private void WriteLines(JobOutputReader reader, string id, string path)
        {
            long offset = 0;
            if (Tail.HasValue)
            {
                var tail = ReadTail(reader, id, path, Tail.Value, includePartial: !Follow);
                foreach (var line in tail.Lines) WriteObject(line);
                offset = tail.EndOffset;
            }
            else if (!Follow)
            {
                using (var lines = Await(reader.OpenLinesAsync(id, path, Token)))
                {
                    IReadOnlyList<string>? batch;
                    while ((batch = Await(lines.ReadBatchAsync(Token))) != null)
                        foreach (var line in batch) WriteObject(line);
                }
                return;
            }
            if (!Follow) return;

            var follower = reader.Follow(id, path, offset);
            string? reported = null;
            while (!follower.Finished)
            {
                var lines = Await(follower.ReadNewLinesAsync(Token));
                foreach (var line in lines) WriteObject(line);
                ReportWaiting(follower, ref reported);
            }
            WriteVerbose($"Job {id} is {follower.FinalStatus}: read '{path}' to its end ({follower.Offset} bytes).");
        }

        private OutputTail ReadTail(JobOutputReader reader, string id, string path, int count, bool includePartial)
        {
            var tail = Await(reader.TailLinesAsync(id, path, count, includePartial, Token));
            WriteVerbose($"Tail of job {id} '{path}': {tail.Lines.Count} line(s) from {tail.BytesRead} of {tail.Length} bytes in {tail.Requests} request(s).");
            return tail;
        }

        private void ReportWaiting(JobOutputFollower follower, ref string? reported)
        {
            var reason = follower.WaitingReason;
            if (reason != null && reason != reported) WriteVerbose($"Waiting for job {follower.JobId} '{follower.Path}': {reason}");
            reported = reason;
        }

        /// <summary>Returns false when the id was skipped (an error was written).</summary>
        private bool SaveToFile(JobOutputReader reader, string id, string path)
        {
            if (_outFileJob != null)
            {
                WriteError(NewError(new ArgumentException($"-OutFile was already written with the output of job '{_outFileJob}'; give one job per -OutFile."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, id, "Run Get-GenieJobOutput once per job, each with its own -OutFile."));
                return false;
            }
            var target = GetUnresolvedProviderPathFromPSPath(OutFile);
            var file = new LazyFileStream(target);
            var complete = false;
            try
            {
                try
                {
                    if (Tail.HasValue)
                    {
                        var tail = ReadTail(reader, id, path, Tail.Value, includePartial: !Follow);
                        file.Write(tail.Bytes, 0, tail.Bytes.Length);
                        if (Follow) FollowToFile(reader.Follow(id, path, tail.EndOffset), file);
                    }
                    else if (Follow)
                    {
                        FollowToFile(reader.Follow(id, path, 0), file);
                    }
                    else
                    {
                        var bytes = Await(reader.CopyToAsync(id, path, file, Token));
                        WriteVerbose($"Saved {bytes} bytes of job {id} '{path}' to {target}.");
                    }
                    file.EnsureCreated();
                    file.Flush();
                    complete = true;
                }
                finally
                {
                    file.Dispose();
                    if (file.Created) _outFileJob = id;
                    // A download that did not finish leaves no file behind; a follow keeps what it captured.
                    if (!complete && !Follow && file.Created) TryDelete(target);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is System.Security.SecurityException)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.OutputFileWriteFailed, ErrorCategory.WriteError, target,
                    "Check that the folder of -OutFile exists and is writable, and that -OutFile is not a folder."));
            }
            if (PassThru) WriteObject(new FileInfo(target));
            return true;
        }

        private void FollowToFile(JobOutputFollower follower, Stream file)
        {
            string? reported = null;
            while (!follower.Finished)
            {
                Await(follower.CopyNewBytesAsync(file, Token));
                file.Flush();
                ReportWaiting(follower, ref reported);
            }
            WriteVerbose($"Job {follower.JobId} is {follower.FinalStatus}: saved '{follower.Path}' up to byte {follower.Offset}.");
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        /// <summary>A file stream opened on the first write, so that a job or path that does not exist creates no file.</summary>
        private sealed class LazyFileStream : Stream
        {
            private readonly string _path;
            private FileStream? _inner;

            public LazyFileStream(string path) => _path = path;

            public bool Created => _inner != null;

            public void EnsureCreated() => Inner();

            private FileStream Inner() => _inner ??= new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.Read, 81920, useAsync: false);

            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => _inner?.Length ?? 0;
            public override long Position { get => Length; set => throw new NotSupportedException(); }
            public override void Flush() => _inner?.Flush();
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => Inner().Write(buffer, offset, count);

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
                => Inner().WriteAsync(buffer, offset, count, cancellationToken);

            protected override void Dispose(bool disposing)
            {
                if (disposing) _inner?.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
