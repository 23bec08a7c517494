using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>What one-shot <c>parley "prompt"</c> was asked to do.</summary>
internal sealed record PromptRequest
{
    public required ConnectionOverrides Connection { get; init; }

    public required ChatOptions Generation { get; init; }

    public string? SystemPrompt { get; init; }

    public required IReadOnlyList<string> Words { get; init; }

    public bool Stream { get; init; } = true;

    public bool Json { get; init; }

    public bool ShowUsage { get; init; }

    public string? MessagesFile { get; init; }

    public ReliabilitySettings Reliability { get; init; } = ReliabilitySettings.Defaults;
}

/// <summary>One-shot prompts: the tutorial's sections 2, 3 and 10 (send, read the structure, choose the options).</summary>
internal sealed class PromptCommand
{
    private readonly CliServices _services;

    public PromptCommand(CliServices services) => _services = services;

    public async Task<int> RunAsync(PromptRequest request, CancellationToken cancellationToken)
    {
        var ui = _services.Interaction;
        var stdin = await PromptReader.ReadStandardInputAsync(cancellationToken).ConfigureAwait(false);
        var prompt = PromptReader.Combine(stdin, request.Words);
        var systemPrompt = request.SystemPrompt;
        var initial = new List<ChatMessage>();
        if (request.MessagesFile is { } file)
        {
            var loaded = await MessagesFileReader.ReadAsync(file, cancellationToken).ConfigureAwait(false);
            (systemPrompt, initial, var finalUser) = MessagesFileReader.Split(loaded, systemPrompt);
            if (finalUser is not null)
            {
                if (string.IsNullOrWhiteSpace(prompt))
                {
                    prompt = finalUser;
                }
                else
                {
                    initial.Add(new ChatMessage(ChatRole.User, finalUser));
                }
            }
        }

        if (string.IsNullOrWhiteSpace(prompt))
        {
            throw new CliUsageException("empty prompt: give it as an argument (parley \"Tell me a joke\") or on standard input (echo text | parley)");
        }

        var resolver = await _services.CreateResolverAsync(cancellationToken).ConfigureAwait(false);
        var provider = resolver.Resolve(request.Connection);
        using var client = CliChatClients.Create(provider, request.Reliability, ui);
        var session = new ChatSession(client, new ChatSessionOptions
        {
            Model = provider.Model,
            SystemPrompt = systemPrompt,
            InitialMessages = initial,
            ChatOptions = request.Generation,
        });

        ChatTurn turn;
        try
        {
            if (request.Stream)
            {
                await foreach (var update in session.StreamAsync(prompt, cancellationToken).ConfigureAwait(false))
                {
                    if (!request.Json)
                    {
                        await ui.WriteAnswerAsync(update.Text, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            else
            {
                await session.SendAsync(prompt, cancellationToken).ConfigureAwait(false);
                if (!request.Json)
                {
                    await ui.WriteAnswerAsync(session.LastTurn!.Text, cancellationToken).ConfigureAwait(false);
                }
            }

            turn = session.LastTurn!;
        }
        catch (ParleyApiException e)
        {
            if (!request.Json)
            {
                await ui.EndAnswerAsync().ConfigureAwait(false);
            }
            else if (session.LastTurn is { Status: TurnStatus.Interrupted } partial)
            {
                await ui.WriteOutputLineAsync(TurnJsonWriter.Write(partial)).ConfigureAwait(false);
            }

            _services.ReportApiError(e, provider);
            return ExitCodes.RuntimeError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ui.EndAnswerAsync().ConfigureAwait(false);
            ui.Note("interrupted");
            return ExitCodes.Interrupted;
        }

        if (request.Json)
        {
            await ui.WriteOutputLineAsync(TurnJsonWriter.Write(turn)).ConfigureAwait(false);
        }
        else
        {
            await ui.EndAnswerAsync().ConfigureAwait(false);
        }

        if (turn.FinishReason == ChatFinishReason.Length)
        {
            ui.Warn(request.Generation.MaxOutputTokens is { } max
                ? $"answer cut at --max-tokens ({max})"
                : "answer cut: the model reached its output limit");
        }

        if (request.ShowUsage)
        {
            ui.Note(UsageLineFormatter.Format(turn, pricingEnabled: false));
        }

        return ExitCodes.Ok;
    }
}
