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
        var noMemory = new Option<bool>("--no-memory") { Description = "Send every turn without the earlier ones (stateless)" };
        var messages = new Option<string?>("--messages") { Description = "Start from an OpenAI messages JSON array (few-shot examples)", HelpName = "FILE" };
        var noStream = new Option<bool>("--no-stream") { Description = "Wait for each complete answer instead of streaming it" };
        var usage = new Option<bool>("--usage", "-u") { Description = "Print token usage on stderr after each answer" };
        connection.AddTo(command);
        generation.AddTo(command);
        reliability.AddTo(command);
        command.Add(noMemory);
        command.Add(messages);
        command.Add(noStream);
        command.Add(usage);

        command.SetAction(async (parse, ct) =>
        {
            var s = services();
            var resolver = await s.CreateResolverAsync(ct).ConfigureAwait(false);
            var provider = resolver.Resolve(connection.Read(parse));
            var systemPrompt = parse.GetValue(generation.System);
            var initial = new List<Microsoft.Extensions.AI.ChatMessage>();
            string? firstPrompt = null;
            if (parse.GetValue(messages) is { } file)
            {
                (systemPrompt, initial, firstPrompt) = MessagesFileReader.Split(await MessagesFileReader.ReadAsync(file, ct).ConfigureAwait(false), systemPrompt);
            }

            var clientSettings = reliability.Read(parse);
            var session = new ChatSession(CliChatClients.Create(provider, clientSettings, s.Interaction), new ChatSessionOptions
            {
                Model = provider.Model,
                SystemPrompt = systemPrompt,
                Memory = !parse.GetValue(noMemory),
                InitialMessages = initial,
                ChatOptions = generation.Read(parse),
            });
            var context = new ReplContext(session, provider, resolver, s, parse.GetValue(usage)) { Reliability = clientSettings };
            var interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
            IReplInput input = interactive ? TerminalReplFactory.CreateInput(s) : new PipedReplInput(Console.In);
            IAnswerPresenter presenter = interactive ? TerminalReplFactory.CreatePresenter(s) : new PlainAnswerPresenter(s.Interaction);
            if (interactive)
            {
                TerminalReplFactory.Greet(s, provider);
            }

            return await new ChatRepl(context, input, presenter, stream: !parse.GetValue(noStream)).RunAsync(firstPrompt, ct).ConfigureAwait(false);
        });
        return command;
    }
}
