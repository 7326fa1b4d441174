using System;
using Sheriff.Core.Auth;

namespace Sheriff.Core.Genie.Transport
{
    /// <summary>
    /// How a <see cref="GenieClient"/> talks to Genie: retries, the per-request timeout, ride-through of long waits,
    /// TLS checks and credentials. From Connect-Genie parameters or a config profile; read at each request, so
    /// changing <see cref="Retry"/> on a live session takes effect on its next request.
    /// </summary>
    public sealed class GenieClientOptions
    {
        public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(100);
        public const int DefaultMaxConsecutiveFailures = 10;

        public RetryPolicy Retry { get; set; } = new RetryPolicy();

        /// <summary>
        /// How long one attempt may wait for Genie's answer (headers, and the whole body of JSON answers). Ctrl+C
        /// cancels at once whatever this is. Default 100 s.
        /// </summary>
        public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

        /// <summary>
        /// How many polls in a row may fail (each after its own retries) before Wait-GenieJob or
        /// Get-GenieJobOutput -Follow give up with "lost contact". Default 10.
        /// </summary>
        public int MaxConsecutiveFailures { get; set; } = DefaultMaxConsecutiveFailures;

        /// <summary>Accept any server certificate. Only when the user asks for it explicitly; the cmdlets warn once.</summary>
        public bool SkipCertificateCheck { get; set; }

        /// <summary>
        /// SHA-1 thumbprint (hex) of one server certificate to accept even though no trusted CA issued it (for example
        /// GenieLocal's generated certificate). Its host name must still match. Null: only the system's trust.
        /// </summary>
        public string? TrustedCertificateThumbprint { get; set; }

        /// <summary>How requests authenticate; null sends no Authorization header.</summary>
        public GenieCredential? Credential { get; set; }

        public GenieClientOptions Clone()
        {
            var copy = (GenieClientOptions)MemberwiseClone();
            copy.Retry = Retry.Clone();
            return copy;
        }

        /// <summary>Throws <see cref="ArgumentException"/> for out-of-range values.</summary>
        public void Validate()
        {
            (Retry ?? throw new ArgumentException("The retry policy is missing.")).Validate();
            if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != System.Threading.Timeout.InfiniteTimeSpan)
                throw new ArgumentException("The request timeout must be positive.");
            if (MaxConsecutiveFailures < 1) throw new ArgumentException("maxConsecutiveFailures must be at least 1.");
        }
    }
}
