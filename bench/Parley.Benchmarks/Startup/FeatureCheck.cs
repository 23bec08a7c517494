using System.Text.Json;

namespace Parley.Benchmarks;

/// <summary>Does every feature work in a build? One-shot, --json, -c, piped chat, history, a config file.</summary>
internal static class FeatureCheck
{
    public sealed record Outcome(string Feature, bool? Works, string Detail);

    public static async Task<IReadOnlyList<Outcome>> RunAsync(CliVariant cli, LoopbackServerProcess server)
    {
        using var env = new CliEnvironment(server, "features");
        var outcomes = new List<Outcome>();

        var run = await env.RunAsync(cli, ["-m", "gpt-4o-mini", "Hello there"]);
        outcomes.Add(Judge("one-shot (streamed, exact preflight, saved)", run, run.Stdout.Contains("Echo: Hello there", StringComparison.Ordinal)));

        run = await env.RunAsync(cli, ["-m", "gpt-4o-mini", "--json", "--no-stream", "Hello json"]);
        outcomes.Add(Judge("one-shot --json --no-stream", run, IsJsonWith(run.Stdout, "Echo: Hello json")));

        var large = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 2700));
        await server.EnqueueAsync("""{"type":"text","content":"Counted."}""");
        run = await env.RunAsync(cli, ["-m", "gpt-4o-mini", "--no-log"], stdin: large);
        outcomes.Add(Judge("exact token count (120 KB prompt: the preflight loads the tokenizer)", run, run.Stdout.Contains("Counted.", StringComparison.Ordinal)));
        await server.ResetAsync(); // a failed preflight sends nothing: drop the reply it left queued

        run = await env.RunAsync(cli, ["-c", "And again"]);
        outcomes.Add(Judge("-c (continue the saved conversation)", run, run.Stdout.Contains("Echo: And again", StringComparison.Ordinal)));

        run = await env.RunAsync(cli, ["chat", "-m", "gpt-4o-mini"], stdin: "first question\nsecond question\n");
        outcomes.Add(Judge("piped `parley chat` (2 turns)", run, run.Stdout.Contains("Echo: second question", StringComparison.Ordinal)));

        var help = await env.RunAsync(cli, ["--help"]);
        if (help.Stdout.Split('\n').Any(line => line.TrimStart().StartsWith("history", StringComparison.Ordinal)))
        {
            run = await env.RunAsync(cli, ["history"]);
            outcomes.Add(Judge("`parley history`", run, run.Stdout.Contains("Hello", StringComparison.Ordinal) || run.Stdout.Contains("first question", StringComparison.Ordinal)));
        }
        else
        {
            outcomes.Add(new Outcome("`parley history`", null, "not in this build (`parley --help` lists no history command)"));
        }

        var init = await env.RunAsync(cli, ["config", "init"]);
        run = init.Succeeded ? await env.RunAsync(cli, ["-m", "gpt-4o-mini", "Hello config"]) : init;
        outcomes.Add(Judge("with a config file (`parley config init`, then a one-shot)", run, run.Stdout.Contains("Echo: Hello config", StringComparison.Ordinal)));
        return outcomes;
    }

    private static Outcome Judge(string feature, ChildRun run, bool outputOk) =>
        run.Succeeded && outputOk
            ? new Outcome(feature, true, "ok")
            : new Outcome(feature, false, $"exit {run.ExitCode}: {FirstLine(run.Stderr.Length > 0 ? run.Stderr : run.Stdout)}");

    private static bool IsJsonWith(string text, string content)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return text.Contains(content, StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "(no output)";
        return TargetCheck.Cell(line.Length > 160 ? line[..160] + "…" : line);
    }
}
