using System.Text.Json;

namespace Parley.Benchmarks;

/// <summary>
/// Does every feature work in a build? Every command, run as a user would against the loopback server: one-shot
/// (streamed, whole, JSON), the exact count of a large prompt, -c, piped chat, history (list, show, search, export,
/// import, rm), usage, models, tokens, config, compare with PNG and SVG charts, and the native Ollama provider.
/// Each check runs, and is judged, on its own: one failure does not hide the others.
/// </summary>
internal static class FeatureCheck
{
    public sealed record Outcome(string Feature, bool? Works, string Detail);

    public static async Task<IReadOnlyList<Outcome>> RunAsync(CliVariant cli, LoopbackServerProcess server)
    {
        using var env = new CliEnvironment(server, "features", ollamaHost: server.BaseUrl.ToString().TrimEnd('/'));
        var outcomes = new List<Outcome>();
        async Task<ChildRun> Check(string feature, string[] arguments, Func<ChildRun, bool> works, string? stdin = null)
        {
            var run = await env.RunAsync(cli, arguments, stdin);
            outcomes.Add(Judge(feature, run, Safely(works, run)));
            return run;
        }

        string File(string name) => Path.Combine(env.WorkingDirectory, name);

        // One-shot prompts.
        await Check("one-shot (streamed, exact preflight, saved)", ["-m", "gpt-4o-mini", "Hello there"], r => Has(r.Stdout, "Echo: Hello there"));
        await Check("one-shot --no-stream", ["-m", "gpt-4o-mini", "--no-stream", "Hello whole"], r => Has(r.Stdout, "Echo: Hello whole"));
        await Check("one-shot --json (streamed)", ["-m", "gpt-4o-mini", "--json", "Hello streamed json"], r => JsonHas(r.Stdout, "content", "Echo: Hello streamed json"));
        await Check("one-shot --json --no-stream", ["-m", "gpt-4o-mini", "--json", "--no-stream", "Hello json"], r => JsonHas(r.Stdout, "content", "Echo: Hello json"));

        var large = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 2700));
        await server.EnqueueAsync("""{"type":"text","content":"Counted."}""");
        await Check("exact token count (120 KB prompt: the preflight loads the tokenizer)", ["-m", "gpt-4o-mini", "--no-log"], r => Has(r.Stdout, "Counted."), stdin: large);
        await server.ResetAsync(); // a failed preflight sends nothing: drop the reply it left queued

        await Check("-c (continue the saved conversation)", ["-c", "And again"], r => Has(r.Stdout, "Echo: And again"));
        await Check("piped `parley chat` (2 turns)", ["chat", "-m", "gpt-4o-mini"], r => Has(r.Stdout, "Echo: second question"), stdin: "first question\nsecond question\n");

        // Saved conversations.
        await Check("`parley history`", ["history"], r => Has(r.Stdout, "Hello there") && Has(r.Stdout, "first question"));
        var list = await Check("`parley history --json`", ["history", "--json"], r => IdOf(r.Stdout, "Hello there") is not null);
        var id = IdOf(list.Stdout, "Hello there") ?? "missing-id";
        await Check("`parley history show ID`", ["history", "show", id], r => Has(r.Stdout, "Echo: Hello there"));
        await Check("`parley history show ID --json`", ["history", "show", id, "--json"], r => IsJson(r.Stdout) && Has(r.Stdout, "Echo: Hello there"));
        await Check("`parley history search TEXT`", ["history", "search", "second question"], r => Has(r.Stdout, "second question"));
        await Check("`parley history export ID --format md`", ["history", "export", id, "--format", "md", "-o", File("export.md")], _ => Has(Read(File("export.md")), "Echo: Hello there"));
        await Check("`parley history export ID --format json`", ["history", "export", id, "--format", "json", "-o", File("export.json")], _ => IsJson(Read(File("export.json"))) && Has(Read(File("export.json")), "Echo: Hello there"));
        var imported = await Check("`parley history import FILE.json`", ["history", "import", File("export.json"), "--title", "Imported copy"], r => r.Stdout.Trim().Length >= 4);
        var importedId = imported.Stdout.Trim();
        await Check("`parley history rm ID`", ["history", "rm", importedId.Length > 0 ? importedId : "missing-id"], _ => true);

        // Usage, models, tokens.
        await Check("`parley usage`", ["usage"], r => Has(r.Stdout, "gpt-4o-mini"));
        await Check("`parley usage --json`", ["usage", "--json"], r => IsJson(r.Stdout) && Has(r.Stdout, "by_model"));
        await Check("`parley models`", ["models"], r => Has(r.Stdout, "gpt-4o-mini") && Has(r.Stdout, "o200k_base"));
        await Check("`parley models --json`", ["models", "--json"], r => IsJson(r.Stdout) && Has(r.Stdout, "gpt-4o-mini"));
        await Check("`parley tokens TEXT` (exact)", ["tokens", "-m", "gpt-4o-mini", "Hello, world"], r => r.Stdout.Trim() == "3");
        await System.IO.File.WriteAllTextAsync(File("messages.json"), """[{"role":"system","content":"You are terse."},{"role":"user","content":"Hello, world"}]""");
        await Check("`parley tokens --messages FILE`", ["tokens", "-m", "gpt-4o-mini", "--messages", File("messages.json")], r => int.TryParse(r.Stdout.Trim(), out var n) && n > 3);

        // The config file.
        await Check("`parley config path`", ["config", "path"], r => Has(r.Stdout, "config.json"));
        await Check("`parley config init`", ["config", "init"], _ => true);
        await Check("`parley config show` (reads the file)", ["config", "show"], r => Has(r.Stdout, "\"local\""));
        await Check("with a config file (one-shot)", ["-m", "gpt-4o-mini", "Hello config"], r => Has(r.Stdout, "Echo: Hello config"));

        // The native Ollama provider (the loopback server's Ollama NDJSON mode) and compare with charts.
        await Check("Ollama provider one-shot (`-m ollama:llama3.2`)", ["-m", "ollama:llama3.2", "--no-log", "Hello ollama"], r => Has(r.Stdout, "Echo: Hello ollama"));
        await Check("`parley models --provider ollama --json`", ["models", "--provider", "ollama", "--json"], r => IsJson(r.Stdout) && Has(r.Stdout, "llama3.2"));
        foreach (var format in new[] { "png", "svg" })
        {
            var chart = File("chart." + format);
            await Check($"`parley compare --chart {format}` (OpenAI + Ollama)", ["compare", "--sequential", "--chart", chart, "-m", "gpt-4o-mini", "-m", "ollama:llama3.2", "hi"],
                _ => format == "png" ? IsPngWithText(chart) : Has(Read(chart), "font-family=\"DejaVu Sans\"") && Has(Read(chart), "ollama:llama3.2"));
        }

        await Check("`parley compare --json`", ["compare", "--json", "-m", "gpt-4o-mini", "-m", "ollama:llama3.2", "hi"], r => IsJson(r.Stdout) && Has(r.Stdout, "\"answered\": 1"));
        return outcomes;
    }

    private static Outcome Judge(string feature, ChildRun run, bool outputOk) =>
        run.Succeeded && outputOk
            ? new Outcome(feature, true, "ok")
            : new Outcome(feature, false, run.Succeeded
                ? $"exit 0, unexpected output: {FirstLine(run.Stdout)}"
                : $"exit {run.ExitCode}: {FirstLine(run.Stderr.Length > 0 ? run.Stderr : run.Stdout)}");

    private static bool Safely(Func<ChildRun, bool> works, ChildRun run)
    {
        try
        {
            return works(run);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.Ordinal);

    private static string Read(string path) => System.IO.File.Exists(path) ? System.IO.File.ReadAllText(path) : string.Empty;

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool JsonHas(string text, string property, string value)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty(property, out var element)
                && element.ValueKind == JsonValueKind.String
                && element.GetString() == value;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The id of the first conversation in <c>history --json</c> whose title starts with <paramref name="title"/>.</summary>
    private static string? IdOf(string historyJson, string title)
    {
        try
        {
            using var document = JsonDocument.Parse(historyJson);
            return document.RootElement.EnumerateArray()
                .FirstOrDefault(c => c.GetProperty("title").GetString()?.StartsWith(title, StringComparison.Ordinal) == true) is { ValueKind: JsonValueKind.Object } found
                ? found.GetProperty("id").GetString()
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>A PNG whose labels were drawn (a chart without glyphs compresses to a few kilobytes).</summary>
    private static bool IsPngWithText(string path)
    {
        var bytes = System.IO.File.Exists(path) ? System.IO.File.ReadAllBytes(path) : [];
        return bytes.Length > 15_000 && bytes.AsSpan(0, 4).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' });
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "(no output)";
        return TargetCheck.Cell(line.Length > 160 ? line[..160] + "…" : line);
    }
}
