using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;

namespace Sheriff.GenieLocal.Jobs;

/// <summary>A configs/dependencies/setup file could not be downloaded.</summary>
internal sealed class FetchException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Downloads job and resource files from file://, http(s):// and s3:// URIs (plain absolute paths count as files).
/// S3 uses the standard AWS credential chain, falling back to dummy credentials for an endpoint override (emulators)
/// and to anonymous access for real S3; the endpoint is --s3-endpoint, else
/// AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else real S3; path-style addressing.
/// </summary>
internal sealed class DependencyFetcher : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(30) };
    private readonly Lazy<AmazonS3Client> _s3;

    public DependencyFetcher(string? s3Endpoint)
    {
        _s3 = new Lazy<AmazonS3Client>(() => CreateS3Client(s3Endpoint), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The file name a URI lands under (last path segment, unescaped).</summary>
    public static string FileNameOf(string uri)
    {
        string name;
        if (uri.StartsWith('/'))
        {
            name = Path.GetFileName(uri);
        }
        else if (Uri.TryCreate(uri, UriKind.Absolute, out var u))
        {
            var path = u.IsFile ? u.LocalPath : Uri.UnescapeDataString(u.AbsolutePath);
            name = path.TrimEnd('/').Split('/').LastOrDefault() ?? "";
        }
        else
        {
            name = uri.Split('/', '\\').Last();
        }

        if (name.Length == 0 || name == "." || name == ".." || name.Contains('\\', StringComparison.Ordinal))
        {
            throw new FetchException($"Cannot derive a file name from '{uri}'");
        }

        return name;
    }

    /// <summary>Downloads <paramref name="uri"/> into <paramref name="targetDir"/>; returns the local path.</summary>
    public async Task<string> FetchAsync(string uri, string targetDir, string? targetName, CancellationToken ct)
    {
        Directory.CreateDirectory(targetDir);
        var target = Path.Combine(targetDir, targetName ?? FileNameOf(uri));
        try
        {
            if (uri.StartsWith('/'))
            {
                await CopyLocalAsync(uri, target, ct).ConfigureAwait(false);
                return target;
            }

            if (!Uri.TryCreate(uri, UriKind.Absolute, out var u))
            {
                throw new FetchException($"'{uri}' is not an absolute URI");
            }

            switch (u.Scheme.ToLowerInvariant())
            {
                case "file":
                    await CopyLocalAsync(u.LocalPath, target, ct).ConfigureAwait(false);
                    break;
                case "http":
                case "https":
                {
                    using var response = await _http.GetAsync(u, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new FetchException($"GET {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}");
                    }

                    await using var source = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                    await using var file = File.Create(target);
                    await source.CopyToAsync(file, ct).ConfigureAwait(false);
                    break;
                }

                case "s3":
                case "s3a":
                case "s3n":
                {
                    var bucket = u.Host;
                    var key = Uri.UnescapeDataString(u.AbsolutePath.TrimStart('/'));
                    if (bucket.Length == 0 || key.Length == 0)
                    {
                        throw new FetchException($"'{uri}' does not name a bucket and a key");
                    }

                    using var response = await _s3.Value.GetObjectAsync(bucket, key, ct).ConfigureAwait(false);
                    await using var file = File.Create(target);
                    await response.ResponseStream.CopyToAsync(file, ct).ConfigureAwait(false);
                    break;
                }

                default:
                    throw new FetchException($"Unsupported URI scheme '{u.Scheme}' in '{uri}'");
            }
        }
        catch (FetchException)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException or AmazonServiceException or AmazonClientException)
        {
            throw new FetchException($"Failed to download '{uri}': {e.Message}", e);
        }

        return target;
    }

    public void Dispose()
    {
        _http.Dispose();
        if (_s3.IsValueCreated)
        {
            _s3.Value.Dispose();
        }
    }

    private static async Task CopyLocalAsync(string source, string target, CancellationToken ct)
    {
        if (!File.Exists(source))
        {
            throw new FetchException($"File '{source}' does not exist");
        }

        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        await using var output = File.Create(target);
        await input.CopyToAsync(output, ct).ConfigureAwait(false);
    }

    private static AmazonS3Client CreateS3Client(string? endpointOption)
    {
        var endpoint = endpointOption
            ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3")
            ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
        var region = Environment.GetEnvironmentVariable("AWS_REGION")
            ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")
            ?? "us-east-1";
        var config = new AmazonS3Config { ForcePathStyle = true };
        if (!string.IsNullOrEmpty(endpoint))
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        AWSCredentials credentials;
        try
        {
            credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(config);
        }
        catch (AmazonClientException)
        {
            // No credentials anywhere: S3 emulators (moto, MinIO in dev mode) accept any signed request, while real S3
            // only serves public objects to unsigned ones.
            credentials = string.IsNullOrEmpty(endpoint)
                ? new AnonymousAWSCredentials()
                : new BasicAWSCredentials("genielocal", "genielocal");
        }

        return new AmazonS3Client(credentials, config);
    }
}
