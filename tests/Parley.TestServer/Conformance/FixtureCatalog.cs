// Read recorded traffic from shared/fixtures for both conformance suites (library and CLI).
// are the same file apart from the namespace (the test projects share no source; SharedSourceTests checks the copies).

namespace Parley.TestServer.Conformance;

/// <summary>
/// The recorded fixtures the conformance suite replays, found by walking the fixture folders (never listed by hand).
/// Native Ollama <c>/api/chat</c> (NDJSON, and its JSON bodies without <c>choices</c>) belongs to a later issue and is
/// left out; Ollama's OpenAI-compatible <c>/v1</c> bodies are in.
/// </summary>
public static class FixtureCatalog
{
    /// <summary>The theory row used when the fixture folder is absent (xunit 2 fails a theory without data).</summary>
    public const string None = "(no fixtures on this machine)";

    public const string NonStreamingFolder = "1_openai_nonstream";
    public const string StreamingFolder = "2_openai_stream";
    public const string ErrorsFolder = "3_openai_errors";
    public const string OllamaFolder = "4_ollama";

    /// <summary>Every OpenAI-shaped success answer: OpenAI non-stream and stream, Ollama <c>/v1</c> JSON and SSE.</summary>
    public static IReadOnlyList<RecordedExchange> Exchanges => LoadedExchanges.Value;

    public static IReadOnlyList<RecordedError> Errors => LoadedErrors.Value;

    public static IReadOnlyList<string> ExchangeIds => Rows(Exchanges.Select(e => e.Id));

    public static IReadOnlyList<string> StreamingExchangeIds => Rows(Exchanges.Where(e => e.SseBody).Select(e => e.Id));

    public static IReadOnlyList<string> ErrorIds => Rows(Errors.Select(e => e.Id));

    public static RecordedExchange Exchange(string id) => Exchanges.Single(e => e.Id == id);

    public static RecordedError Error(string id) => Errors.Single(e => e.Id == id);

    private static readonly Lazy<IReadOnlyList<RecordedExchange>> LoadedExchanges = new(LoadExchanges);

    private static readonly Lazy<IReadOnlyList<RecordedError>> LoadedErrors = new(LoadErrors);

    private static IReadOnlyList<RecordedExchange> LoadExchanges()
    {
        if (FixtureRoot.Path is not { } root)
        {
            return [];
        }

        var exchanges = new List<RecordedExchange>();
        foreach (var folder in new[] { NonStreamingFolder, StreamingFolder, OllamaFolder })
        {
            var directory = Path.Combine(root, folder);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var body in Directory.EnumerateFiles(directory, "*.response.*").Order(StringComparer.Ordinal))
            {
                var file = Path.GetFileName(body);
                string name;
                if (file.EndsWith(".response.sse", StringComparison.Ordinal))
                {
                    name = file[..^".response.sse".Length];
                }
                else if (file.EndsWith(".response.json", StringComparison.Ordinal) && IsChatCompletion(body))
                {
                    name = file[..^".response.json".Length];
                }
                else
                {
                    continue; // NDJSON and native /api/chat JSON: a later issue.
                }

                exchanges.Add(RecordedExchange.Load(root, folder + "/" + name));
            }
        }

        return exchanges;
    }

    private static IReadOnlyList<RecordedError> LoadErrors()
    {
        if (FixtureRoot.Path is not { } root)
        {
            return [];
        }

        var errors = new List<RecordedError>();
        var directory = Path.Combine(root, ErrorsFolder);
        if (Directory.Exists(directory))
        {
            foreach (var body in Directory.EnumerateFiles(directory, "*.response.json").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(body)[..^".response.json".Length];
                errors.Add(RecordedError.LoadRecorded(root, ErrorsFolder + "/" + name));
            }
        }

        errors.AddRange(RecordedError.LoadIssueReports(root));
        return errors;
    }

    private static bool IsChatCompletion(string path)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.TryGetProperty("choices", out _);
    }

    private static IReadOnlyList<string> Rows(IEnumerable<string> ids)
    {
        List<string> data = [.. ids];
        if (data.Count == 0)
        {
            data.Add(None);
        }

        return data;
    }
}
