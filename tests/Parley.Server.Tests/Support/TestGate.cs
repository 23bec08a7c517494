namespace Parley.Server.Tests;

/// <summary>A request gate with one known token; it records what it admitted and how tickets were settled.</summary>
internal sealed class TestGate : IRequestGate
{
    public string KnownToken { get; init; } = "vk-test";

    public GatewayError? Refusal { get; init; }

    /// <summary>Thrown by <see cref="AdmitAsync"/> when set: a gate that breaks.</summary>
    public Exception? Failure { get; init; }

    public List<GateRequest> Admitted { get; } = [];

    public List<(long Prompt, long Completion, decimal? Cost)> Settled { get; } = [];

    public int Released { get; private set; }

    /// <summary>A second token, for the key <c>team-b</c>.</summary>
    public string? OtherToken { get; init; }

    /// <summary>The default context policy of the key <c>team-a</c>.</summary>
    public string? DefaultContext { get; init; }

    public ValueTask<GateKey?> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken) =>
        ValueTask.FromResult(bearerToken == KnownToken ? new GateKey(7, "team-a", null, DefaultContext) : OtherToken is not null && bearerToken == OtherToken ? new GateKey(8, "team-b") : null);

    public ValueTask<GateDecision> AdmitAsync(GateKey key, GateRequest request, CancellationToken cancellationToken)
    {
        if (Failure is not null)
        {
            throw Failure;
        }

        if (Refusal is not null)
        {
            return ValueTask.FromResult(GateDecision.Refuse(Refusal));
        }

        lock (Admitted)
        {
            Admitted.Add(request);
        }

        return ValueTask.FromResult(GateDecision.Admit(new Ticket(this)));
    }

    private sealed class Ticket(TestGate gate) : IGateTicket
    {
        private bool _settled;

        public ValueTask SettleAsync(long promptTokens, long completionTokens, decimal? costUsd, CancellationToken cancellationToken)
        {
            _settled = true;
            lock (gate.Settled)
            {
                gate.Settled.Add((promptTokens, completionTokens, costUsd));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (!_settled)
            {
                gate.Released++;
            }

            return ValueTask.CompletedTask;
        }
    }
}
