using System.CommandLine;

namespace Parley.Cli;

/// <summary><c>parley chat</c>: a conversation with memory, in a terminal or over piped lines.</summary>
internal static class ChatCommand
{
    public static Command Create(Func<CliServices> services)
    {
        var command = new Command("chat", "Chat with memory: each turn sends the conversation so far (type /help inside)");
        var connection = new ConnectionOptionSet();
        var generation = new GenerationOptionSet();
        var reliability = new ReliabilityOptionSet();
        var conversation = new ConversationOptionSet();
        var contextOptions = new ContextOptionSet();
        var tools = new ToolOptionSet();
        var structured = new StructuredOutputOptionSet();
        var noMemory = new Option<bool>("--no-memory") { Description = "Send every turn without the earlier ones (stateless)" };
        var noStream = new Option<bool>("--no-stream") { Description = "Wait for each complete answer instead of streaming it" };
        var hideReasoning = ReasoningDisplay.HideOption();
        var usage = new Option<bool>("--usage", "-u") { Description = "Print token usage on stderr after each answer" };
        connection.AddTo(command);
        generation.AddTo(command);
        reliability.AddTo(command);
        conversation.AddTo(command);
        contextOptions.AddTo(command);
        tools.AddTo(command);
        structured.AddTo(command);
        command.Add(noMemory);
        command.Add(noStream);
        command.Add(usage);
        command.Add(hideReasoning);

        command.SetAction(async (parse, ct) =>
        {
            var s = services();
            var responseFormat = structured.Read(parse, Environment.CurrentDirectory);
            var generationOptions = generation.Read(parse);
            StructuredOutputOptionSet.Apply(generationOptions, responseFormat);
            var request = new SessionRequest
            {
                Connection = connection.Read(parse),
                Generation = generationOptions,
                SystemPrompt = parse.GetValue(generation.System),
                MessagesFile = parse.GetValue(conversation.Messages),
                Memory = !parse.GetValue(noMemory),
                Reliability = reliability.Read(parse),
                NoLog = parse.GetValue(conversation.NoLog),
                ContinueLatest = parse.GetValue(conversation.Continue),
                ConversationId = parse.GetValue(conversation.ConversationId),
                MaxCostUsd = parse.GetValue(generation.MaxCost),
                Context = contextOptions.Read(parse),
                Tools = tools.Read(parse),
            };
            await using var built = await new SessionBuilder(s).BuildAsync(request, ct).ConfigureAwait(false);
            var context = new ReplContext(built.Session, built.Provider, built.Resolver, s, parse.GetValue(usage)) { Reliability = request.Reliability };
            var interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
            IReplInput input = interactive ? await TerminalReplFactory.CreateInputAsync(s, ct).ConfigureAwait(false) : new PipedReplInput(InputReader.StandardInputLines());
            IAnswerPresenter presenter = interactive ? TerminalReplFactory.CreatePresenter(s) : new PlainAnswerPresenter(s.Interaction);
            if (interactive)
            {
                TerminalReplFactory.Greet(s, built);
            }

            if (built.Approver is { } approver)
            {
                // The question about a tool call replaces the spinner; the wait for the model starts again after it.
                approver.BeforeAsking = presenter.EndAnswerAsync;
                approver.AfterAsking = presenter.BeginAnswer;
            }

            return await new ChatRepl(context, input, presenter, stream: !parse.GetValue(noStream), showReasoning: !parse.GetValue(hideReasoning), responseFormat: responseFormat).RunAsync(built.FirstPrompt, ct).ConfigureAwait(false);
        });
        return command;
    }
}
