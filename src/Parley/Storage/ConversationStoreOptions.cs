namespace Parley;

/// <summary>Options for a conversation store. Every property is optional.</summary>
public sealed class ConversationStoreOptions
{
    /// <summary>Gets the clock used for timestamps; <see langword="null"/> means <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Gets the time zone whose days the usage report groups by; <see langword="null"/> means <see cref="TimeZoneInfo.Local"/>.</summary>
    public TimeZoneInfo? TimeZone { get; init; }
}
