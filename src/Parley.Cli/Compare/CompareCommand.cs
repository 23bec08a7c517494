using System.CommandLine;

namespace Parley.Cli;

/// <summary><c>parley compare -m MODEL -m MODEL [...] "prompt"</c>: the same prompt to several models, measured side by side.</summary>
internal static class CompareCommand
{
    public static Command Create(Func<CliServices> services)
    {
        var command = new Command("compare", "Send the same prompt to several models (-m, repeated) and compare time, speed, tokens, cost and context window");
        var models = new Option<string[]>("--model", "-m")
        {
            Description = "A model to compare, or provider:model (repeat: -m gpt-4o-mini -m ollama:llama3.2)",
            HelpName = "MODEL",
            Arity = ArgumentArity.OneOrMore,
            Required = true,
        };
        var prompt = new Argument<string[]>("prompt")
        {
            Description = "The prompt (words are joined; standard input, when piped, comes first)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var runs = new Option<int>("--runs") { Description = "Ask every model N times and show medians", HelpName = "N", DefaultValueFactory = _ => 1 };
        OptionValues.Whole(runs, 1, int.MaxValue, "a whole number of 1 or more");
        var sequential = new Option<bool>("--sequential") { Description = "One model at a time (isolates timings); default: all at once" };
        var json = new Option<bool>("--json") { Description = "Print a JSON array, one object per model" };
        var csv = new Option<bool>("--csv") { Description = "Print CSV, one row per model" };
        var chart = new Option<string?>("--chart") { Description = "Draw latency and cost bars to FILE.png or FILE.svg", HelpName = "FILE" };
        var table = new Option<bool>("--table") { Description = "Also print the local-vs-hosted table (setup, cost, privacy, performance, reliability, context window, memory)" };
        var generation = new GenerationOptionSet();
        var reliability = new ReliabilityOptionSet();

        command.Add(models);
        command.Add(prompt);
        command.Add(runs);
        command.Add(sequential);
        command.Add(json);
        command.Add(csv);
        command.Add(chart);
        command.Add(table);
        var attach = new Option<string[]>("--attach", "-a")
        {
            Description = "Attach an image (PNG, JPEG, WebP, GIF), a UTF-8 text file, a PDF, or an image URL to the prompt (repeatable)",
            HelpName = "PATH|URL",
        };
        command.Add(attach);
        generation.AddTo(command);
        reliability.AddTo(command);

        command.SetAction(async (parse, ct) =>
        {
            var request = new CompareRequest
            {
                Models = parse.GetValue(models) ?? [],
                Words = parse.GetValue(prompt) ?? [],
                Generation = generation.Read(parse),
                SystemPrompt = parse.GetValue(generation.System),
                Reliability = reliability.Read(parse),
                Runs = parse.GetValue(runs),
                Sequential = parse.GetValue(sequential),
                Json = parse.GetValue(json),
                Csv = parse.GetValue(csv),
                ChartPath = parse.GetValue(chart),
                LocalHostedTable = parse.GetValue(table),
                Attachments = parse.GetValue(attach) ?? [],
            };
            return await new CompareAction(services()).RunAsync(request, ct).ConfigureAwait(false);
        });
        return command;
    }
}
