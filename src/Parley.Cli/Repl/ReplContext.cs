namespace Parley.Cli;

/// <summary>What the REPL's commands act on.</summary>
internal sealed class ReplContext
{
    public ReplContext(ChatSession session, ResolvedProvider provider, ProviderResolver resolver, CliServices services, bool showUsage)
    {
        Session = session;
        Provider = provider;
        Resolver = resolver;
        Services = services;
        ShowUsage = showUsage;
    }

    public ChatSession Session { get; }

    public ResolvedProvider Provider { get; set; }

    public ProviderResolver Resolver { get; }

    public CliServices Services { get; }

    public ConsoleInteraction Ui => Services.Interaction;

    public bool ShowUsage { get; }

    /// <summary>The retry and timeout settings, for clients made by <c>/model</c>.</summary>
    public ReliabilitySettings Reliability { get; init; } = ReliabilitySettings.Defaults;

    /// <summary>Set by <c>/exit</c>.</summary>
    public bool ExitRequested { get; set; }

    /// <summary>Set by <c>/retry</c>: the question to ask again.</summary>
    public string? PendingPrompt { get; set; }

    /// <summary>Added by <c>/attach</c>: they go with the next message.</summary>
    public List<Attachment> PendingAttachments { get; } = [];
}
