namespace Parley;

/// <summary>
/// Which conversations a key's client list shows: those named with a client id by the key <see cref="KeyName"/>
/// (<see langword="null"/>: made without a key), and with <see cref="Terms"/>, only those with a message containing
/// every term.
/// </summary>
internal sealed record ClientFilter(string? KeyName, IReadOnlyList<string> Terms);
