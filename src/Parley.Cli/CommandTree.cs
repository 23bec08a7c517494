using System.CommandLine;
using System.CommandLine.Help;

namespace Parley.Cli;

/// <summary>The <c>parley</c> command tree: the one-shot prompt at the root, subcommands beside it.</summary>
internal static class CommandTree
{
    /// <summary>The command's name in help and errors, whatever the executable is called (Parley.Cli.dll, parley).</summary>
    public const string Name = "parley";

    public static Command Build(Func<CliServices> services, Option<bool> verbose, IReadOnlyList<string> rawArgs)
    {
        // A named Command rather than RootCommand, which takes its name from the executable ("Parley.Cli" under dotnet).
        var root = new Command(Name, "parley: chat with OpenAI and OpenAI-compatible models (Ollama, vLLM, LM Studio, Azure OpenAI).");
        var connection = new ConnectionOptionSet();
        var generation = new GenerationOptionSet();
        var reliability = new ReliabilityOptionSet();
        var prompt = new Argument<string[]>("prompt")
        {
            Description = "The prompt (words are joined; standard input, when piped, comes first)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var noStream = new Option<bool>("--no-stream") { Description = "Wait for the complete answer instead of streaming it" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: content, model, finish_reason, usage, cost" };
        var usage = new Option<bool>("--usage", "-u") { Description = "Print token usage on stderr after the answer" };
        var attach = new Option<string[]>("--attach", "-a")
        {
            Description = "Attach an image (PNG, JPEG, WebP, GIF), a UTF-8 text file, a PDF, or an image URL to the prompt (repeatable)",
            HelpName = "PATH|URL",
        };
        var hideReasoning = ReasoningDisplay.HideOption();
        var conversation = new ConversationOptionSet();
        var contextOptions = new ContextOptionSet();
        var structured = new StructuredOutputOptionSet();
        var tools = new ToolOptionSet();

        var help = new HelpOption();
        help.Action = new CommandHelpAction((HelpAction)help.Action!, root, prompt);
        root.Add(help);
        root.Add(new VersionOption());
        root.Add(prompt);
        connection.AddTo(root);
        generation.AddTo(root);
        reliability.AddTo(root);
        root.Add(noStream);
        root.Add(json);
        root.Add(usage);
        root.Add(attach);
        structured.AddTo(root);
        root.Add(hideReasoning);
        conversation.AddTo(root);
        contextOptions.AddTo(root);
        tools.AddTo(root);
        root.Add(verbose);

        root.Add(ChatCommand.Create(services));
        root.Add(ConfigCommand.Create(services));
        root.Add(ModelsCommand.Create(services));
        root.Add(TokensCommand.Create(services));
        root.Add(HistoryCommand.Create(services));
        root.Add(UsageCommand.Create(services));
        root.Add(KeysCommand.Create(services));
        root.Add(CompareCommand.Create(services));
        root.Add(ServeCommand.Create(services));
        root.Add(ToolsCommand.Create(services));

        var commandNames = root.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name)).ToArray();
        root.SetAction(async (parse, ct) =>
        {
            var words = parse.GetValue(prompt) ?? [];
            var separator = rawArgs.Contains("--");
            if (!separator && words.FirstOrDefault(UsageErrors.LooksLikeOption) is { } unknown)
            {
                throw new CliUsageException($"{UsageErrors.UnknownOption(unknown, root)} (run 'parley --help'; to send text that starts with '-', put it after --)");
            }

            if (words.Length == 1 && !separator && CommandSuggester.Suggest(words[0], commandNames) is { } suggestion)
            {
                throw new CliUsageException($"unknown command '{words[0]}': did you mean `{suggestion}`? (to send it as a prompt: parley -- {words[0]})");
            }

            var responseFormat = structured.Read(parse, Environment.CurrentDirectory);
            var generationOptions = generation.Read(parse);
            StructuredOutputOptionSet.Apply(generationOptions, responseFormat);
            var request = new PromptRequest
            {
                Session = new SessionRequest
                {
                    Connection = connection.Read(parse),
                    Generation = generationOptions,
                    SystemPrompt = parse.GetValue(generation.System),
                    MessagesFile = parse.GetValue(conversation.Messages),
                    Reliability = reliability.Read(parse),
                    NoLog = parse.GetValue(conversation.NoLog),
                    ContinueLatest = parse.GetValue(conversation.Continue),
                    ConversationId = parse.GetValue(conversation.ConversationId),
                    MaxCostUsd = parse.GetValue(generation.MaxCost),
                    Context = contextOptions.Read(parse),
                    Tools = tools.Read(parse),
                },
                Words = words,
                Stream = !parse.GetValue(noStream),
                Json = parse.GetValue(json),
                ResponseFormat = responseFormat,
                ShowUsage = parse.GetValue(usage),
                Attachments = parse.GetValue(attach) ?? [],
                HideReasoning = parse.GetValue(hideReasoning),
                ShowHelp = () => Parse(root, ["--help"]).Invoke(),
            };
            return await new PromptCommand(services()).RunAsync(request, ct).ConfigureAwait(false);
        });
        return root;
    }

    /// <summary>
    /// Parses the arguments under <paramref name="root"/>. The root's name goes first, so a prompt that happens to be
    /// "parley" is a prompt, not the command name the parser would otherwise skip.
    /// </summary>
    public static ParseResult Parse(Command root, IReadOnlyList<string> args) => root.Parse([root.Name, .. args]);
}
