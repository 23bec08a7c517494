using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.Benchmarks;

/// <summary>What one wrk run printed: requests per second, the 99th percentile latency, and the failures.</summary>
internal sealed partial record WrkResult(double RequestsPerSecond, double P99Ms, long Requests, long Non2xx, long SocketErrors)
{
    public long Errors => Non2xx + SocketErrors;

    /// <summary>Parses wrk 4's output (run with <c>--latency</c>).</summary>
    public static WrkResult Parse(string output)
    {
        var rps = double.Parse(RpsPattern().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var p99 = P99Pattern().Match(output);
        var requests = long.Parse(RequestsPattern().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = Non2xxPattern().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        long socket = 0;
        if (SocketErrorsPattern().Match(output) is { Success: true } s)
        {
            for (var i = 1; i <= 4; i++)
            {
                socket += long.Parse(s.Groups[i].Value, CultureInfo.InvariantCulture);
            }
        }

        return new WrkResult(rps, Milliseconds(p99.Groups[1].Value, p99.Groups[2].Value), requests, non2xx, socket);
    }

    private static double Milliseconds(string value, string unit) =>
        double.Parse(value, CultureInfo.InvariantCulture) * unit switch { "us" => 0.001, "ms" => 1, "s" => 1000, "m" => 60_000, _ => double.NaN };

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RpsPattern();

    [GeneratedRegex(@"^\s+99%\s+([0-9.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex P99Pattern();

    [GeneratedRegex(@"([0-9]+) requests in")]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+([0-9]+)")]
    private static partial Regex Non2xxPattern();

    [GeneratedRegex(@"Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)")]
    private static partial Regex SocketErrorsPattern();
}
