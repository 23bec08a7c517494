using System.Globalization;

namespace Parley.Server;

/// <summary>The refusals of <see cref="KeyRequestGate"/>, in OpenAI's shape with the status and headers its SDKs expect.</summary>
internal static class KeyGateErrors
{
    public const string CreateHint = "create one with `parley keys create NAME` and send it as `Authorization: Bearer <key>`";

    public static GatewayError NoKeysYet() => Unauthorized(
        $"No virtual keys exist yet, so every request is refused: {CreateHint} (or run `parley serve --no-auth` on a loopback address).");

    public static GatewayError MissingKey() => Unauthorized(
        $"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY); {CreateHint}.");

    public static GatewayError WrongKey() => Unauthorized($"Incorrect API key provided: no virtual key has this secret; {CreateHint}.");

    public static GatewayError RevokedKey(string name) => Unauthorized($"The API key '{name}' was revoked; {CreateHint}.");

    /// <summary>A model outside the key's list: 403 <c>model_not_found</c>, as OpenAI answers a project key without access to a model.</summary>
    public static GatewayError ModelNotAllowed(GateKey key, string model, IReadOnlyList<string> models) =>
        new(403, "invalid_request_error", "model_not_found",
            $"The key '{key.Name}' does not have access to model `{model}`; it may use: {string.Join(", ", models)}.", "model");

    /// <summary>A key with a budget and a model whose price is unknown: nothing can be reserved, so 403 (no retry helps).</summary>
    public static GatewayError PriceUnknown(GateKey key, string model) =>
        new(403, "invalid_request_error", "model_price_unknown",
            $"The key '{key.Name}' has a budget, but the price of model `{model}` is unknown, so its cost cannot be reserved: "
            + "use a model with a known price, or a key without a budget.", "model")
        {
            Headers = NoRetry,
        };

    /// <summary>An exhausted budget: 429 <c>insufficient_quota</c> with <c>x-should-retry: false</c>, as OpenAI's own quota error.</summary>
    public static GatewayError BudgetExhausted(GateKey key, GateRequest request, ApiKeyLimits limits, BudgetReservation reservation)
    {
        var left = new List<string>();
        if (limits.DailyUsd is { } daily)
        {
            left.Add($"{Dollars(Math.Max(0, reservation.RemainingDailyUsd ?? 0))} left today (UTC) of its {Dollars(daily)} daily budget");
        }

        if (limits.MonthlyUsd is { } monthly)
        {
            left.Add($"{Dollars(Math.Max(0, reservation.RemainingMonthlyUsd ?? 0))} left this month (UTC) of its {Dollars(monthly)} monthly budget");
        }

        return new(429, "insufficient_quota", "insufficient_quota",
            $"You exceeded your current quota: the key '{key.Name}' has {string.Join(" and ", left)}, and this request may cost up to "
            + $"{Dollars(reservation.AmountUsd)} ({Count(request.PromptTokens)} prompt tokens + up to {Count(request.MaxOutputTokens)} answer tokens on `{request.Model}`). "
            + "Lower max_tokens, shorten the prompt, or wait for the next UTC day or month.")
        {
            Headers = NoRetry,
        };
    }

    /// <summary>A rate limit: 429 <c>rate_limit_exceeded</c> of type <c>requests</c> or <c>tokens</c>, with <c>Retry-After</c> seconds.</summary>
    public static GatewayError RateLimited(GateKey key, GateRequest request, RateLimitDecision decision)
    {
        string unit = decision.Limit == "tokens" ? "tokens per min (TPM)" : "requests per min (RPM)";
        if (decision.RetryAfter is not { } retryAfter)
        {
            return new(429, "tokens", "rate_limit_exceeded",
                $"Request too large for `{request.Model}` on key '{key.Name}' on {unit}: Limit {decision.LimitValue}, Requested {request.PromptTokens + request.MaxOutputTokens}. "
                + "Lower max_tokens or shorten the prompt.")
            {
                Headers = NoRetry,
            };
        }

        long seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        string requested = decision.Limit == "tokens" ? $", Requested {request.PromptTokens + request.MaxOutputTokens}" : string.Empty;
        return new(429, decision.Limit ?? "requests", "rate_limit_exceeded",
            $"Rate limit reached for key '{key.Name}' on {unit}: Limit {decision.LimitValue}, Used {decision.Used}{requested}. Please try again in {seconds}s.")
        {
            Headers = new Dictionary<string, string> { ["Retry-After"] = seconds.ToString(CultureInfo.InvariantCulture) },
        };
    }

    private static Dictionary<string, string> NoRetry => new() { ["x-should-retry"] = "false" };

    private static GatewayError Unauthorized(string message) => new(401, "invalid_request_error", "invalid_api_key", message);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    // $0.0123 below a cent, $1.50 above (invariant culture), as the library's cost limit says it.
    private static string Dollars(decimal usd) =>
        "$" + (Math.Abs(usd) >= 0.01m || usd == 0 ? usd.ToString("0.00##", CultureInfo.InvariantCulture) : usd.ToString("0.0000##", CultureInfo.InvariantCulture));
}
