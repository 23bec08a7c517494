namespace Parley;

/// <summary>
/// The conversation database cannot be used: the file is not a Parley database, is corrupt, was
/// written by a newer Parley, or stayed locked by another process. The file is left untouched.
/// </summary>
public sealed class ParleyStorageException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ParleyStorageException"/> class.</summary>
    public ParleyStorageException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ParleyStorageException"/> class.</summary>
    /// <param name="message">The message.</param>
    public ParleyStorageException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ParleyStorageException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The error that caused this one.</param>
    public ParleyStorageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ParleyStorageException"/> class about a database file.</summary>
    /// <param name="databasePath">The database file.</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The error that caused this one.</param>
    internal ParleyStorageException(string? databasePath, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        DatabasePath = databasePath;
    }

    /// <summary>Gets the database file the error is about, when known.</summary>
    public string? DatabasePath { get; }
}
