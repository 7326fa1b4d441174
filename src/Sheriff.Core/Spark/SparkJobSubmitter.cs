using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Refit;
using Sheriff.Core.Genie;
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

        /// <summary>Submits the job (multipart when it has attachments) and returns the id Genie gave it.</summary>
        public static async Task<string> SubmitAsync(PreparedSparkJob job, GenieClient client, CancellationToken ct)
        {
            var streams = new List<Stream>();
            try
            {
                var parts = new List<StreamPart>();
                foreach (var file in job.Attachments)
                {
                    var stream = File.OpenRead(file.LocalPath);
                    streams.Add(stream);
                    parts.Add(new StreamPart(stream, file.Name, "application/octet-stream"));
                }
                return await client.SubmitJobAsync(job.Request, parts, ct).ConfigureAwait(false);
            }
            finally
            {
                foreach (var s in streams) s.Dispose();
            }
        }
    }
}
