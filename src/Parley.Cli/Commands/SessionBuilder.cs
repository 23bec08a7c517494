using Microsoft.Extensions.AI;
using Parley.Mcp;

namespace Parley.Cli;

/// <summary>
/// Turns a <see cref="SessionRequest"/> into a running <see cref="ChatSession"/>: resolves the provider, opens the
/// conversation store, continues a saved conversation (<c>-c</c>, <c>--cid</c>), loads a messages file, and wires the
/// catalog, retries and timeouts. A first request that will be counted starts loading the tokenizer before the store
/// is opened (<see cref="TokenizerWarmup"/>).
/// </summary>
internal sealed class SessionBuilder
{
    private readonly CliServices _services;

    public SessionBuilder(CliServices services) => _services = services;

    /// <param name="request">What the command line asked for.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <param name="question">The first question when it is already known (a one-shot's prompt): with the history it
    /// decides whether the tokenizer is loaded in the background while the rest is built.</param>
    public async Task<BuiltSession> BuildAsync(SessionRequest request, CancellationToken cancellationToken, string? question = null)
    {
        var resolver = await _services.CreateResolverAsync(cancellationToken).ConfigureAwait(false);
        var catalog = await _services.LoadCatalogAsync(cancellationToken).ConfigureAwait(false);
        IConversationStore? store = null;
        McpToolbox? toolbox = null;
        try
        {
            string? continuing = null;
            string? savedPolicy = null;
            StoredConversation? saved = null;
            var connection = request.Connection;
            if (request.ContinueLatest || request.ConversationId is not null)
            {
                store = await _services.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
                continuing = await FindConversationAsync(store, request, cancellationToken).ConfigureAwait(false);
                saved = await store.LoadAsync(continuing, cancellationToken).ConfigureAwait(false);
                savedPolicy = saved.Conversation.ContextPolicy;
                connection = connection with
                {
                    Provider = connection.Provider ?? (connection.Model is null ? saved.Conversation.Provider : null),
                    Model = connection.Model ?? saved.Conversation.Model,
                };
            }

            ResolvedProvider provider;
            try
            {
                provider = resolver.Resolve(connection);
            }
            catch (MissingApiKeyException missing) when (ZeroConfigProbe.Applies(missing, resolver, connection, _services.Environment))
            {
                provider = await new ZeroConfigProbe(_services).ResolveAsync(resolver, connection, missing, cancellationToken).ConfigureAwait(false);
            }

            catalog = ChatClientFactory.CatalogFor(provider, catalog);
            if (UnknownModelNotice.For(catalog, provider.Model) is { } unknownModel)
            {
                _services.Interaction.WarnOnce(unknownModel);
            }

            var (systemPrompt, initial, firstPrompt) = await ReadMessagesAsync(request, question, cancellationToken).ConfigureAwait(false);

            // The model, the history, the question and the policy are known: a request that will be counted starts
            // loading the tokenizer now, so the load overlaps opening the database.
            var counter = _services.TokenCounterFor(provider.BaseUrl);
            var client = CliChatClients.Create(provider, request.Reliability, _services.Interaction, catalog, counter);
            if (provider.Kind == ProviderKind.Gguf && _services.Verbose)
            {
                GgufDiagnostics.Report(_services.Interaction, client);
            }
            var policyName = ContextPolicyFactory.ChooseName(request.Context, savedPolicy);
            var policy = ContextPolicyFactory.Create(
                policyName, request.Context, new SummarizerSource(_services, provider, resolver, catalog, client, request.Reliability));
            WarmUpTokenizer(request, provider, counter, catalog, saved, policy, systemPrompt, initial, firstPrompt, question);
            if (store is null && !request.NoLog)
            {
                store = await _services.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
            }

            ToolApprover? approver = null;
            var generation = request.Generation;
            if (request.Tools.Any)
            {
                toolbox = await new ToolboxBuilder(_services).BuildAsync(request.Tools, cancellationToken).ConfigureAwait(false);
                approver = new ToolApprover(_services.Interaction, request.Tools.Yes, canAsk: !Console.IsInputRedirected);
                generation = generation.Clone();
                generation.Tools = approver.Guard(toolbox.Tools);
            }

            var options = new ChatSessionOptions
            {
                Model = provider.Model,
                SystemPrompt = systemPrompt,
                Memory = request.Memory,
                InitialMessages = initial,
                ChatOptions = generation,
                MaxToolRounds = request.Tools.ChainLimit,
                Catalog = catalog,
                TokenCounter = counter,
                Store = request.NoLog ? null : store,
                ProviderName = provider.Name,
                MaxCostUsd = request.MaxCostUsd,
            };
            ConfigureContext(options, request, policyName, policy);
            ChatSession session;
            if (continuing is not null && store is not null)
            {
                options.Store = store;
                session = await ChatSession.ResumeAsync(client, store, continuing, options, cancellationToken).ConfigureAwait(false);
                foreach (var message in initial)
                {
                    _services.Interaction.Warn("--messages is ignored when continuing a conversation");
                    break;
                }
            }
            else
            {
                session = new ChatSession(client, options);
            }

            return new BuiltSession(session, provider, resolver, store, firstPrompt) { Toolbox = toolbox, Approver = approver };
        }
        catch
        {
            if (toolbox is not null)
            {
                await toolbox.DisposeAsync().ConfigureAwait(false);
            }

            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private void WarmUpTokenizer(
        SessionRequest request, ResolvedProvider provider, TokenCounter counter, ModelCatalog catalog, StoredConversation? saved, ContextPolicy policy,
        string? systemPrompt, List<ChatMessage> initial, string? firstPrompt, string? question)
    {
        // The first request before the policy, as the session will compose it: a continued conversation keeps its
        // messages (and system prompt, unless -s replaces it); a new one starts from --messages.
        var messages = new List<ChatMessage>();
        var system = systemPrompt ?? saved?.Conversation.SystemPrompt;
        if (!string.IsNullOrEmpty(system))
        {
            messages.Add(new ChatMessage(ChatRole.System, system));
        }

        if (saved is null)
        {
            messages.AddRange(initial);
        }
        else
        {
            messages.AddRange(saved.Messages.Where(m => m.Message.Role != ChatRole.System).Select(m => m.Message));
        }

        // firstPrompt (the file's final user message) is set only when no question was given.
        var text = string.IsNullOrWhiteSpace(question) ? firstPrompt : question;
        if (!string.IsNullOrWhiteSpace(text))
        {
            messages.Add(new ChatMessage(ChatRole.User, text));
        }

        _services.TokenizerWarmup.StartForFirstRequest(
            catalog, counter, provider.Model, model => _services.LearnedFacts.GetContextLimit(provider.BaseUrl, model), messages,
            policy, request.Context.ReserveOutput, request.Generation, request.MaxCostUsd);
    }

    // The context policy, the reserve, and the context limits learned from servers (read and saved in the data directory).
    private void ConfigureContext(ChatSessionOptions options, SessionRequest request, string policyName, ContextPolicy policy)
    {
        options.Context = policy;
        options.ContextPolicyName = policyName;
        options.ReserveOutputTokens = request.Context.ReserveOutput;
        options.LoggerFactory = new ConsoleNoticeLoggerProvider(_services.Interaction);
        options.LearnedFacts = new SavedContextLimits(_services.LearnedFacts, _services.Interaction);
    }

    private static async Task<string> FindConversationAsync(IConversationStore store, SessionRequest request, CancellationToken cancellationToken)
    {
        if (request.ConversationId is { } id)
        {
            return await ConversationIds.ResolveAsync(store, id, cancellationToken).ConfigureAwait(false);
        }

        var latest = await store.FindLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new CliUsageException("there is no saved conversation to continue yet");
        return latest.Id;
    }

    private async Task<(string? System, List<ChatMessage> Initial, string? FinalUser)> ReadMessagesAsync(
        SessionRequest request, string? question, CancellationToken cancellationToken)
    {
        if (request.MessagesFile is not { } file)
        {
            return (request.SystemPrompt, [], null);
        }

        var loaded = await MessagesFileReader.ReadAsync(file, cancellationToken).ConfigureAwait(false);
        return MessagesFileReader.Split(loaded, request.SystemPrompt, promptGiven: !string.IsNullOrWhiteSpace(question));
    }
}
