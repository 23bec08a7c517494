using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Parley.Cli;

/// <summary>What <c>parley tokens</c> was asked to count.</summary>
internal sealed record TokensRequest
{
    public IReadOnlyList<string> Words { get; init; } = [];

    public string? File { get; init; }

    public string? MessagesFile { get; init; }

    public string? Model { get; init; }
}

/// <summary>
/// <c>parley tokens "text" | -f FILE | --messages FILE.json [-m MODEL]</c>: prints the token count, and nothing else, on
/// stdout. Text and files are counted as plain text; a messages file is counted as a prompt (framing and reply priming
/// included, what the API bills). When the count is an estimate (a model without an exact tokenizer, or one the catalog
/// does not know) a note on stderr says so.
/// </summary>
internal sealed class TokensCommand
{
    private readonly CliServices _services;

    public TokensCommand(CliServices services) => _services = services;

    public static Command Create(Func<CliServices> services)
    {
        var command = new Command("tokens", "Count tokens as a model bills them: text, a file, or a messages JSON file (prints only the number)");
        var text = new Argument<string[]>("text")
        {
            Description = "The text to count (words are joined; standard input, when piped, comes first)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var file = new Option<string?>("--file", "-f") { Description = "Count the text of this file", HelpName = "FILE" };
        var messages = new Option<string?>("--messages")
        {
            Description = "Count an OpenAI messages JSON array as a prompt (per-message framing included)",
            HelpName = "FILE",
        };
        var model = new Option<string?>("--model", "-m") { Description = "Model id, or provider:model (default: the configured model)", HelpName = "MODEL" };
        command.Add(text);
        command.Add(file);
        command.Add(messages);
        command.Add(model);
        command.SetAction(async (parse, ct) =>
        {
            var words = parse.GetValue(text) ?? [];
            var separator = parse.Tokens.Any(t => t.Type == TokenType.DoubleDash);
            if (!separator && words.FirstOrDefault(UsageErrors.LooksLikeOption) is { } unknown)
            {
                throw new CliUsageException($"{UsageErrors.UnknownOption(unknown, command)} (run 'parley tokens --help'; to count text that starts with '-', put it after --)");
            }

            var request = new TokensRequest
            {
                Words = words,
                File = parse.GetValue(file),
                MessagesFile = parse.GetValue(messages),
                Model = parse.GetValue(model),
            };
            return await new TokensCommand(services()).RunAsync(request, ct).ConfigureAwait(false);
        });
        return command;
    }

    public async Task<int> RunAsync(TokensRequest request, CancellationToken cancellationToken)
    {
        if (request.File is not null && request.MessagesFile is not null)
        {
            throw new CliUsageException("give either -f FILE or --messages FILE, not both");
        }

        if ((request.File ?? request.MessagesFile) is { } given && request.Words.Count > 0)
        {
            throw new CliUsageException($"give either text or {(request.File is null ? "--messages" : "-f")} {given}, not both");
        }

        var resolver = await _services.CreateResolverAsync(cancellationToken).ConfigureAwait(false);
        var provider = resolver.Resolve(new ConnectionOverrides { Model = request.Model }, requireKey: false);
        var modelId = provider.Model;
        var catalog = await _services.LoadCatalogAsync(cancellationToken).ConfigureAwait(false);
        if (provider.Kind == ProviderKind.Gguf)
        {
            catalog = ChatClientFactory.CatalogFor(provider, catalog); // the file's own tokenizer and template: exact
        }

        var known = catalog.Find(modelId);

        // An unknown model is counted under its own id, so a calibration learned from earlier chats with it applies.
        var model = known ?? catalog.Resolve(modelId);
        var counter = _services.TokenCounterFor(provider.BaseUrl);

        TokenCount count;
        if (request.MessagesFile is { } messagesFile)
        {
            var messages = await MessagesFileReader.ReadAsync(messagesFile, cancellationToken).ConfigureAwait(false);
            count = counter.CountPrompt(messages, model);
        }
        else
        {
            count = counter.CountText(await ReadTextAsync(request, cancellationToken).ConfigureAwait(false), model);
        }

        await _services.Interaction.WriteOutputLineAsync(count.Value.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (count.IsEstimate)
        {
            _services.Interaction.Note(EstimateNote(count, model, known is not null, counter.GetCalibrationRatio(model)));
        }

        return ExitCodes.Ok;
    }

    private static async Task<string> ReadTextAsync(TokensRequest request, CancellationToken cancellationToken)
    {
        if (request.File is { } file)
        {
            try
            {
                return await InputReader.ReadFileTextAsync(file, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException($"cannot read {file}: {e.Message}");
            }
        }

        var stdin = await PromptReader.ReadStandardInputAsync(cancellationToken).ConfigureAwait(false);
        if (request.Words.Count == 0 && string.IsNullOrEmpty(stdin))
        {
            throw new CliUsageException("nothing to count: give text (parley tokens \"Hello\"), -f FILE, --messages FILE.json, or pipe it in");
        }

        return PromptReader.Combine(stdin, request.Words);
    }

    private static string EstimateNote(TokenCount count, ModelInfo model, bool inCatalog, double ratio)
    {
        var tokenizer = model.Encoding ?? "o200k_base";
        var calibration = ratio == 1.0
            ? ", not calibrated yet (a chat turn with it calibrates the estimate)"
            : string.Create(CultureInfo.InvariantCulture, $" × {ratio:0.000}, calibrated from the prompt tokens its server reported");
        var why = inCatalog
            ? model.HasExactTokenizer
                ? "the input has content without an exact token formula"
                : $"{model.Id} has no exact tokenizer; {tokenizer} count{calibration}"
            : $"'{model.Id}' is not in the model catalog; {tokenizer} count{calibration}";
        return $"estimate ({count}): {why}";
    }
}
