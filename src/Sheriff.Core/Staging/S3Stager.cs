using System;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Sheriff.Core.Staging
{
    /// <summary>An <c>s3://bucket/prefix</c> location.</summary>
    public sealed class S3Location
    {
        private S3Location(string bucket, string prefix) { Bucket = bucket; Prefix = prefix; }
        public string Bucket { get; }
        /// <summary>Key prefix without leading or trailing '/', possibly empty.</summary>
        public string Prefix { get; }

        public static bool TryParse(string? text, out S3Location? location, out string? error)
        {
            location = null;
            error = null;
            if (string.IsNullOrWhiteSpace(text) || !text!.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
            {
                error = $"'{text}' is not an s3:// URI (expected s3://bucket/prefix).";
                return false;
            }
            var rest = text.Substring(5);
            var slash = rest.IndexOf('/');
            var bucket = slash < 0 ? rest : rest.Substring(0, slash);
            var prefix = slash < 0 ? "" : rest.Substring(slash + 1).Trim('/');
            if (bucket.Length < 3 || bucket.Length > 63 || bucket.IndexOfAny(new[] { ' ', '_', '\\' }) >= 0)
            {
                error = $"'{text}' does not name a valid S3 bucket.";
                return false;
            }
            location = new S3Location(bucket, prefix);
            return true;
        }

        public string KeyFor(string relative) => Prefix.Length == 0 ? relative : Prefix + "/" + relative;
        public override string ToString() => "s3://" + Bucket + (Prefix.Length == 0 ? "" : "/" + Prefix);
    }

    /// <summary>Staging failed: S3 unreachable, access denied, or the upload broke.</summary>
    public sealed class StagingException : Exception
    {
        public StagingException(string message, string target, Exception? inner = null) : base(message, inner) => Target = target;
        public string Target { get; }
    }

    /// <summary>
    /// Uploads files to S3 under their content hash (<c>prefix/sha256/name</c>), skipping files already there, so a
    /// re-submit of an unchanged bundle uploads nothing. Credentials come from the standard AWS chain; the endpoint
    /// can be overridden (<c>$env:AWS_ENDPOINT_URL_S3</c>, <c>$env:AWS_ENDPOINT_URL</c>, or the caller) for S3-compatible stores.
    /// </summary>
    public sealed class S3Stager : IDisposable
    {
        private readonly IAmazonS3 _s3;

        public S3Stager(string? endpoint = null, string? region = null)
        {
            endpoint ??= Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3") ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
            region ??= Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1";
            var config = new AmazonS3Config { RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region), Timeout = TimeSpan.FromSeconds(60), MaxErrorRetry = 2 };
            if (!string.IsNullOrEmpty(endpoint))
            {
                config.ServiceURL = endpoint;
                config.ForcePathStyle = true;
                config.AuthenticationRegion = region;
            }
            _s3 = new AmazonS3Client(config);
            Endpoint = endpoint;
        }

        public string? Endpoint { get; }

        /// <summary>The s3:// URI a file with this content hash and name is staged at.</summary>
        public static string UriFor(S3Location location, string sha256, string fileName)
            => $"s3://{location.Bucket}/{location.KeyFor(sha256 + "/" + fileName)}";

        /// <summary>Uploads <paramref name="localPath"/> unless an object with the same key (content hash) exists. Returns whether it uploaded.</summary>
        public async Task<bool> StageAsync(S3Location location, string localPath, string sha256, string fileName, CancellationToken ct)
        {
            var key = location.KeyFor(sha256 + "/" + fileName);
            var target = $"s3://{location.Bucket}/{key}";
            try
            {
                try
                {
                    await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = location.Bucket, Key = key }, ct).ConfigureAwait(false);
                    return false;
                }
                catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
                {
                    // not there yet: upload below
                }
                using (var stream = File.OpenRead(localPath))
                {
                    await _s3.PutObjectAsync(new PutObjectRequest
                    {
                        BucketName = location.Bucket,
                        Key = key,
                        InputStream = stream,
                        AutoCloseStream = false,
                        ContentType = "application/octet-stream",
                    }, ct).ConfigureAwait(false);
                }
                return true;
            }
            catch (AmazonServiceException ex)
            {
                var why = ex.StatusCode == HttpStatusCode.Forbidden ? "access denied" : ex.StatusCode == HttpStatusCode.NotFound ? "the bucket does not exist" : ex.Message;
                throw new StagingException($"Cannot stage {Path.GetFileName(localPath)} at {target}: {why}.", target, ex);
            }
            catch (AmazonClientException ex)
            {
                throw new StagingException($"Cannot reach S3{(Endpoint == null ? "" : " at " + Endpoint)} to stage {target}: {Innermost(ex).Message}", target, ex);
            }
            catch (System.Net.Http.HttpRequestException ex)
            {
                throw new StagingException($"Cannot reach S3{(Endpoint == null ? "" : " at " + Endpoint)} to stage {target}: {Innermost(ex).Message}", target, ex);
            }
            catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
            {
                throw new StagingException($"S3{(Endpoint == null ? "" : " at " + Endpoint)} did not answer in time while staging {target}.", target, ex);
            }
            catch (IOException ex)
            {
                throw new StagingException($"Cannot read {localPath} to stage it: {ex.Message}", localPath, ex);
            }
        }

        private static Exception Innermost(Exception ex) { while (ex.InnerException != null) ex = ex.InnerException; return ex; }

        public void Dispose() => _s3.Dispose();
    }
}
