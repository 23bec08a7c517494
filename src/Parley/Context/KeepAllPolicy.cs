namespace Parley;

/// <summary>Sends the whole conversation. Simple and lossless until the window is full; then the preflight refuses the turn.</summary>
internal sealed class KeepAllPolicy : ContextPolicy
{
    /// <inheritdoc/>
    public override string Name => "keep-all";

    /// <inheritdoc/>
    public override Task<ContextResult> ApplyAsync(ContextRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(new ContextResult { Messages = request.Messages });
    }
}
