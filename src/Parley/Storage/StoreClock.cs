namespace Parley;

/// <summary>The store's clock (timestamps truncated to what is stored) and the time zone whose days the usage report groups by.</summary>
internal sealed class StoreClock(ConversationStoreOptions? options)
{
    private readonly TimeProvider _timeProvider = options?.TimeProvider ?? TimeProvider.System;

    public TimeZoneInfo TimeZone { get; } = options?.TimeZone ?? TimeZoneInfo.Local;

    public TimeProvider TimeProvider => _timeProvider;

    public DateTimeOffset Now() => StorageText.Truncate(_timeProvider.GetUtcNow());

    public string NowText() => StorageText.FormatTime(Now());
}
