using System.CommandLine;

namespace Parley.Cli;

/// <summary>Retries and timeouts: <c>--max-retries</c>, <c>--idle-timeout</c>, <c>--timeout</c>, <c>--connect-timeout</c>.</summary>
internal sealed class ReliabilityOptionSet
{
    public ReliabilityOptionSet()
    {
        OptionValues.Whole(MaxRetries, 0, 100, "a whole number from 0 to 100");
        OptionValues.Real(IdleTimeout, 0.001, 86_400, "a number of seconds above 0");
        OptionValues.Real(Timeout, 0.001, 86_400, "a number of seconds above 0");
        OptionValues.Real(ConnectTimeout, 0.001, 3_600, "a number of seconds above 0");
    }

    public Option<int?> MaxRetries { get; } = new("--max-retries")
    {
        Description = $"Retries on 408/409/429/5xx and connection failures (default {ResilienceOptions.DefaultMaxRetries})",
        HelpName = "N",
    };

    public Option<double?> IdleTimeout { get; } = new("--idle-timeout")
    {
        Description = $"Seconds a stream may go without data (default {ResilienceOptions.DefaultIdleTimeout.TotalSeconds:0})",
        HelpName = "SECONDS",
    };

    public Option<double?> Timeout { get; } = new("--timeout")
    {
        Description = $"Seconds a non-streaming request may take (default {ResilienceOptions.DefaultRequestTimeout.TotalSeconds:0})",
        HelpName = "SECONDS",
    };

    public Option<double?> ConnectTimeout { get; } = new("--connect-timeout")
    {
        Description = $"Seconds to wait for a connection (default {ChatClientFactory.DefaultConnectTimeout.TotalSeconds:0})",
        HelpName = "SECONDS",
    };

    public void AddTo(Command command)
    {
        command.Add(MaxRetries);
        command.Add(IdleTimeout);
        command.Add(Timeout);
        command.Add(ConnectTimeout);
    }

    public ReliabilitySettings Read(ParseResult result) => new(
        result.GetValue(MaxRetries),
        Seconds(result.GetValue(IdleTimeout)),
        Seconds(result.GetValue(Timeout)),
        Seconds(result.GetValue(ConnectTimeout)));

    private static TimeSpan? Seconds(double? value) => value is { } v ? TimeSpan.FromSeconds(v) : null;
}
