using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Transport;
using Sheriff.Core.Staging;

namespace Sheriff.Core.Spark
{
    /// <summary>Sends a prepared Spark job: stages what goes to S3, then one POST with the rest as attachments.</summary>
    public static class SparkJobSubmitter
    {
        /// <summary>Uploads the staged files (skipping those already on S3). Returns how many were uploaded.</summary>
        public static async Task<int> StageAsync(PreparedSparkJob job, S3Stager stager, CancellationToken ct)
        {
            var uploaded = 0;
            foreach (var file in job.Uploads)
                if (await stager.StageAsync(job.Staging!, file.LocalPath, file.Sha256!, file.Name, ct).ConfigureAwait(false)) uploaded++;
            return uploaded;
        }

        /// <summary>
        /// Submits the job (multipart when it has attachments) and returns the id Genie gave it. The attachments are
        /// re-opened for each attempt, so a retried submission sends them whole; the request's client id and hash make
        /// the retry safe (see <see cref="GenieClient.SubmitJobAsync(JobRequestDto, System.Collections.Generic.IReadOnlyList{GenieAttachment}, CancellationToken)"/>).
        /// </summary>
        public static Task<string> SubmitAsync(PreparedSparkJob job, GenieClient client, CancellationToken ct)
        {
            var attachments = job.Attachments.Select(file => GenieAttachment.FromFile(file.LocalPath, file.Name)).ToList();
            return client.SubmitJobAsync(job.Request, attachments, ct);
        }
    }
}
