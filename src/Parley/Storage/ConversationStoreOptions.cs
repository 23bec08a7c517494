namespace Parley;

/// <summary>Options for a conversation store. Every property is optional.</summary>
public sealed class ConversationStoreOptions
{
    /// <summary>Gets the clock used for timestamps; <see langword="null"/> means <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Gets the time zone whose days the usage report groups by; <see langword="null"/> means <see cref="TimeZoneInfo.Local"/>.</summary>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>
    /// Gets how long saving a finished turn waits for a database another process holds locked before the turn goes to a
    /// recovery file that the next open imports; <see langword="null"/> means <see cref="DefaultSaveWait"/> (30 s).
    /// </summary>
    public TimeSpan? SaveWait { get; init; }

    /// <summary>The default <see cref="SaveWait"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultSaveWait = TimeSpan.FromSeconds(30);
}
