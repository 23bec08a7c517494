using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Parley.Server;

/// <summary>
/// The gateway's Prometheus metrics, by model and key name: requests, errors, tokens, cost, latency and time to first
/// token. Requests refused before a model was resolved count under <c>model=""</c>, so a client cannot grow the series
/// without bound by inventing model names.
/// </summary>
internal sealed class GatewayMetrics
{
    private readonly ConcurrentDictionary<(string Model, string Key), SeriesStats> _series = new();
    private readonly ConcurrentDictionary<(string Model, string Key), SeriesStats> _summaries = new();

    public void Record(string model, string key, bool failed, long? promptTokens, long? completionTokens, decimal? cost, TimeSpan latency, TimeSpan? timeToFirstToken) =>
        _series.GetOrAdd((model, key), static _ => new SeriesStats()).Record(failed, promptTokens, completionTokens, cost, latency, timeToFirstToken);

    /// <summary>Records a summary call made for <c>X-Parley-Context: summarize</c> (its cost is not in the request's series).</summary>
    public void RecordSummary(string model, string key, bool failed, long? promptTokens, long? completionTokens, decimal? cost, TimeSpan latency) =>
        _summaries.GetOrAdd((model, key), static _ => new SeriesStats()).Record(failed, promptTokens, completionTokens, cost, latency, null);

    public Task HandleAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return context.Response.WriteAsync(Write(), context.RequestAborted);
    }

    /// <summary>Every series in Prometheus' text format.</summary>
    public string Write()
    {
        var series = _series.OrderBy(s => s.Key.Model, StringComparer.Ordinal).ThenBy(s => s.Key.Key, StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        Counter(text, series, "parley_gateway_requests_total", "Chat completion requests answered.", s => s.Requests.ToString(CultureInfo.InvariantCulture));
        Counter(text, series, "parley_gateway_errors_total", "Chat completion requests answered with an error or cut off.", s => s.Errors.ToString(CultureInfo.InvariantCulture));
        Header(text, "parley_gateway_tokens_total", "counter", "Tokens the upstream reported, by type (prompt, completion).");
        foreach (var (labels, stats) in series)
        {
            Line(text, "parley_gateway_tokens_total", labels, "type=\"prompt\"", stats.PromptTokens.ToString(CultureInfo.InvariantCulture));
            Line(text, "parley_gateway_tokens_total", labels, "type=\"completion\"", stats.CompletionTokens.ToString(CultureInfo.InvariantCulture));
        }

        Counter(text, series, "parley_gateway_cost_usd_total", "Cost in US dollars of the exchanges whose price is known.", s => s.CostUsd.ToString(CultureInfo.InvariantCulture));
        Histogram(text, series, "parley_gateway_request_duration_seconds", "Time from request to the end of the response.", s => s.Latency);
        Histogram(text, series, "parley_gateway_time_to_first_token_seconds", "Time from request to the first streamed content.", s => s.TimeToFirstToken);
        var summaries = _summaries.OrderBy(s => s.Key.Model, StringComparer.Ordinal).ThenBy(s => s.Key.Key, StringComparer.Ordinal).ToList();
        if (summaries.Count > 0)
        {
            Counter(text, summaries, "parley_gateway_summary_calls_total", "Summary calls made for X-Parley-Context: summarize.", s => s.Requests.ToString(CultureInfo.InvariantCulture));
            Counter(text, summaries, "parley_gateway_summary_errors_total", "Summary calls that failed or were refused.", s => s.Errors.ToString(CultureInfo.InvariantCulture));
            Header(text, "parley_gateway_summary_tokens_total", "counter", "Tokens the upstream reported for summary calls, by type (prompt, completion).");
            foreach (var (labels, stats) in summaries)
            {
                Line(text, "parley_gateway_summary_tokens_total", labels, "type=\"prompt\"", stats.PromptTokens.ToString(CultureInfo.InvariantCulture));
                Line(text, "parley_gateway_summary_tokens_total", labels, "type=\"completion\"", stats.CompletionTokens.ToString(CultureInfo.InvariantCulture));
            }

            Counter(text, summaries, "parley_gateway_summary_cost_usd_total", "Cost in US dollars of the summary calls whose price is known (not in parley_gateway_cost_usd_total).", s => s.CostUsd.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static void Counter(StringBuilder text, List<KeyValuePair<(string Model, string Key), SeriesStats>> series, string name, string help, Func<SeriesStats, string> value)
    {
        Header(text, name, "counter", help);
        foreach (var (labels, stats) in series)
        {
            Line(text, name, labels, null, value(stats));
        }
    }

    private static void Histogram(StringBuilder text, List<KeyValuePair<(string Model, string Key), SeriesStats>> series, string name, string help, Func<SeriesStats, LatencyHistogram> histogram)
    {
        Header(text, name, "histogram", help);
        foreach (var (labels, stats) in series)
        {
            var h = histogram(stats);
            for (var i = 0; i < LatencyHistogram.Bounds.Length; i++)
            {
                Line(text, name + "_bucket", labels, "le=\"" + LatencyHistogram.Bounds[i].ToString(CultureInfo.InvariantCulture) + "\"", h.Cumulative(i).ToString(CultureInfo.InvariantCulture));
            }

            var count = h.Count.ToString(CultureInfo.InvariantCulture);
            Line(text, name + "_bucket", labels, "le=\"+Inf\"", count);
            Line(text, name + "_sum", labels, null, h.Sum.ToString(CultureInfo.InvariantCulture));
            Line(text, name + "_count", labels, null, count);
        }
    }

    private static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Line(StringBuilder text, string name, (string Model, string Key) labels, string? extra, string value)
    {
        text.Append(name).Append("{model=\"").Append(Escape(labels.Model)).Append("\",key=\"").Append(Escape(labels.Key)).Append('"');
        if (extra is not null)
        {
            text.Append(',').Append(extra);
        }

        text.Append("} ").Append(value).Append('\n');
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
