namespace Parley.Server;

/// <summary>
/// The authenticated caller: a virtual key's id and name (the owner of its conversations), the models it may use
/// (null: all) and its default context policy for <c>X-Parley-Context</c> (null: refuse what does not fit).
/// </summary>
internal sealed record GateKey(long Id, string Name, IReadOnlyList<string>? Models = null, string? DefaultContextPolicy = null)
{
    /// <summary>The caller when the gateway runs with <c>--no-auth</c>.</summary>
    public static GateKey Anonymous { get; } = new(0, "anonymous");

    /// <summary>The key name its conversations are saved under: null for <see cref="Anonymous"/>.</summary>
    public string? ConversationOwner => ReferenceEquals(this, Anonymous) ? null : Name;
}
