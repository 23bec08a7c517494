namespace Parley.Server;

/// <summary>The gate of <c>parley serve --no-auth</c> (loopback only): everyone is <see cref="GateKey.Anonymous"/>, nothing is limited.</summary>
internal sealed class OpenRequestGate : IRequestGate
{
    public ValueTask<GateKey?> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken) =>
        ValueTask.FromResult<GateKey?>(GateKey.Anonymous);

    public ValueTask<GateDecision> AdmitAsync(GateKey key, GateRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GateDecision.Admit(UnlimitedTicket.Instance));

    private sealed class UnlimitedTicket : IGateTicket
    {
        public static UnlimitedTicket Instance { get; } = new();

        public ValueTask SettleAsync(long promptTokens, long completionTokens, decimal? costUsd, CancellationToken cancellationToken) =>
            ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
