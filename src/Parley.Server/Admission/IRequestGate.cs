namespace Parley.Server;

/// <summary>
/// Decides who may send a request upstream and what it may spend: authentication (virtual keys), the key's model list,
/// budgets (a worst-case reservation settled to the real cost afterwards) and rate limits. The gateway calls it for
/// every request; <c>--no-auth</c> uses <see cref="OpenRequestGate"/>.
/// </summary>
internal interface IRequestGate
{
    /// <summary>The caller behind a bearer token, or null (the gateway answers 401 <c>invalid_api_key</c>).</summary>
    ValueTask<GateKey?> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken);

    /// <summary>
    /// The 401 the gateway sends when <see cref="AuthenticateAsync"/> found nobody, saying why: no key sent, a wrong or
    /// revoked key, or no keys created yet (and how to create one).
    /// </summary>
    ValueTask<GatewayError> UnauthenticatedErrorAsync(string? bearerToken, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GatewayErrors.InvalidApiKey());

    /// <summary>
    /// Called after the request is parsed and counted, before anything goes upstream. A refusal carries the
    /// OpenAI-shaped error the gateway sends; an admission carries a ticket the gateway settles (or disposes unsettled,
    /// which releases the reservation) when the exchange ends.
    /// </summary>
    ValueTask<GateDecision> AdmitAsync(GateKey key, GateRequest request, CancellationToken cancellationToken);
}
