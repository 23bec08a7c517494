// Read recorded traffic from shared/fixtures for both conformance suites (library and CLI).
// are the same file apart from the namespace (the test projects share no source; SharedSourceTests checks the copies).

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Parley.TestServer.Conformance;

/// <summary>
/// One real error answer: a recorded exchange of <c>3_openai_errors/</c> (status, headers and body replayed) or an
/// entry of <c>issue_reports_error_bodies.json</c> (a body users pasted into GitHub issues, served with the status they
/// reported and <c>application/json</c>; no headers were recorded).
/// </summary>
public sealed partial record RecordedError
{
    public const string IssueReportsFile = "3_openai_errors/issue_reports_error_bodies.json";

    /// <summary><c>3_openai_errors/NAME</c> or <c>3_openai_errors/issue_reports_error_bodies.json#INDEX</c>.</summary>
    public required string Id { get; init; }

    public required int Status { get; init; }

    /// <summary><c>error.message</c> as the body states it.</summary>
    public required string Message { get; init; }

    /// <summary><c>error.type</c> (null when absent or null).</summary>
    public string? Type { get; init; }

    /// <summary><c>error.code</c> as text (OpenRouter sends a number: <c>429</c> → <c>"429"</c>; null when absent or null).</summary>
    public string? Code { get; init; }

    /// <summary>Whether the recorded headers carry <c>retry-after</c> or <c>retry-after-ms</c>.</summary>
    public bool HasRetryAfterHeader { get; init; }

    /// <summary>The account is out of credit (the issue entry's own label, or <c>insufficient_quota</c> in the body).</summary>
    public bool ExpectInsufficientQuota { get; init; }

    /// <summary>The prompt did not fit the context window (the issue entry's own label says so).</summary>
    public bool ExpectContextLengthExceeded { get; init; }

    /// <summary>The context limit the entry names (<c>"model": "gpt-3.5-turbo (4097 context)"</c>).</summary>
    public int? ExpectContextLimit { get; init; }

    /// <summary>Builds the server's answer.</summary>
    public required Func<ScriptedResponse> Response { get; init; }

    public static RecordedError LoadRecorded(string root, string id)
    {
        var basePath = Path.Combine(root, id);
        using var body = JsonDocument.Parse(File.ReadAllText(basePath + ".response.json"));
        var error = body.RootElement.GetProperty("error");
        var (status, retryAfter) = ReadHttp(basePath + ".http.json");
        var type = Text(error, "type");
        var code = Text(error, "code");
        return new RecordedError
        {
            Id = id,
            Status = status,
            Message = Text(error, "message") ?? throw new InvalidDataException(id + ": no error.message"),
            Type = type,
            Code = code,
            HasRetryAfterHeader = retryAfter,
            ExpectInsufficientQuota = code == "insufficient_quota" || type == "insufficient_quota",
            ExpectContextLengthExceeded = code == "context_length_exceeded",
            Response = () => ScriptedResponse.FromFixture(basePath),
        };
    }

    public static IEnumerable<RecordedError> LoadIssueReports(string root)
    {
        var path = Path.Combine(root, IssueReportsFile);
        if (!File.Exists(path))
        {
            yield break;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var index = 0;
        foreach (var entry in doc.RootElement.GetProperty("entries").EnumerateArray())
        {
            var status = entry.GetProperty("status").GetInt32();
            var kind = Text(entry, "kind") ?? string.Empty;
            string body, message;
            string? type = null, code = null;
            if (entry.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.Object)
            {
                // As pasted: pretty-printed when the reporter's text was, compact otherwise.
                var indented = (Text(entry, "form") ?? string.Empty).Contains("pretty-printed", StringComparison.Ordinal);
                body = JsonSerializer.Serialize(b, new JsonSerializerOptions { WriteIndented = indented });
                var error = b.GetProperty("error");
                message = Text(error, "message")!;
                type = Text(error, "type");
                code = Text(error, "code");
            }
            else
            {
                // Only the message was shown: it is served in OpenAI's error envelope with nothing invented around it.
                message = entry.GetProperty("message_only").GetString()!;
                body = JsonSerializer.Serialize(new { error = new { message } });
            }

            var limit = ContextLabel().Match(Text(entry, "model") ?? string.Empty);
            var id = $"{IssueReportsFile}#{index++}";
            yield return new RecordedError
            {
                Id = id,
                Status = status,
                Message = message,
                Type = type,
                Code = code,
                ExpectInsufficientQuota = kind.StartsWith("insufficient_quota", StringComparison.Ordinal),
                ExpectContextLengthExceeded = kind.StartsWith("context_length_exceeded", StringComparison.Ordinal),
                ExpectContextLimit = limit.Success ? int.Parse(limit.Groups[1].Value, CultureInfo.InvariantCulture) : null,
                Response = () => ScriptedResponse.Raw(status, "application/json", body),
            };
        }
    }

    public override string ToString() => Id;

    private static (int Status, bool RetryAfter) ReadHttp(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        int? status = null;
        if (root.TryGetProperty("status", out var s))
        {
            status = s.ValueKind == JsonValueKind.Number ? s.GetInt32() : s.GetProperty("code").GetInt32();
        }
        else if (root.TryGetProperty("status_line", out var line))
        {
            status = int.Parse(line.GetString()!.Split(' ')[1], CultureInfo.InvariantCulture);
        }

        var retryAfter = root.TryGetProperty("response_headers", out var headers)
            && headers.EnumerateObject().Any(h => h.Name.Equals("retry-after", StringComparison.OrdinalIgnoreCase)
                || h.Name.Equals("retry-after-ms", StringComparison.OrdinalIgnoreCase));
        return (status ?? throw new InvalidDataException(path + ": no status"), retryAfter);
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v)
        ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        }
        : null;

    [GeneratedRegex(@"\((\d+) context\)")]
    private static partial Regex ContextLabel();
}
