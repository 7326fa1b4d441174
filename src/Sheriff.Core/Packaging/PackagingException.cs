using System;

namespace Sheriff.Core.Packaging
{
    /// <summary>
    /// The project could not be packaged. <see cref="Exception.Message"/> says what went wrong and what to do;
    /// <see cref="Path"/> names the offending file or folder.
    /// </summary>
    public sealed class PackagingException : Exception
    {
        public PackagingException(string message, string? path, Exception? inner = null) : base(message, inner) => Path = path;

        /// <summary>The file or folder at fault (the project folder, a file, a link, or the cache folder).</summary>
        public string? Path { get; }
    }
}
