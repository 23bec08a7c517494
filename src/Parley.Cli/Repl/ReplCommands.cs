using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>The REPL's slash commands: /history, /reset, /system, /model, /usage, /context, /retry, /attach, /save, /help, /exit.</summary>
internal static class ReplCommands
{
    public static IReadOnlyList<ReplCommand> All { get; } =
    [
        new("/history", string.Empty, "show the conversation so far", History),
        new("/reset", string.Empty, "start a fresh conversation (keeps the system message)", Reset),
        new("/system", "TEXT", "set the system message (no TEXT: show it)", System),
        new("/model", "NAME", "switch model (provider:model switches provider); no NAME: show it", Model),
        new("/usage", string.Empty, "running token and cost totals", Usage),
        new("/context", string.Empty, "the prompt's tokens against the window; messages sent, summarized and dropped", Context),
        new("/retry", string.Empty, "ask the last question again", Retry),
        new("/attach", "PATH|URL", "attach an image, text file or PDF to the next message; no PATH: list them", Attach),
        new("/save", "FILE", "save the conversation as an OpenAI messages JSON array", Save),
        new("/help", string.Empty, "list the commands", Help),
        new("/exit", string.Empty, "leave (or Ctrl+D)", Exit),
    ];

    /// <summary>Runs <paramref name="input"/> as a command. False when it names no command (a hint was shown).</summary>
    public static async Task<bool> TryRunAsync(ReplContext context, string input, CancellationToken cancellationToken)
    {
        var trimmed = input.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        var name = (space < 0 ? trimmed : trimmed[..space]).ToLowerInvariant();
        var arguments = space < 0 ? string.Empty : trimmed[(space + 1)..].Trim();
        if (name == "/quit")
        {
            name = "/exit";
        }

        var command = All.FirstOrDefault(c => c.Name == name);
        if (command is null)
        {
            var suggestion = CommandSuggester.Suggest(name.TrimStart('/'), All.Select(c => c.Name.TrimStart('/')));
            context.Ui.Warn(suggestion is null
                ? $"unknown command {name}: type /help for the list (nothing was sent)"
                : $"unknown command {name}: did you mean /{suggestion}? (nothing was sent)");
            return false;
        }

        await command.RunAsync(context, arguments, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task History(ReplContext context, string _, CancellationToken ct)
    {
        var text = ConversationExport.ToText(context.Session.History);
        if (text.Length == 0)
        {
            context.Ui.Note("the conversation is empty");
            return;
        }

        await context.Ui.WriteAnswerAsync(text, ct).ConfigureAwait(false);
    }

    private static async Task Reset(ReplContext context, string _, CancellationToken ct)
    {
        await context.Session.ResetAsync(ct).ConfigureAwait(false);
        context.Ui.Note("conversation reset");
    }

    private static async Task System(ReplContext context, string text, CancellationToken ct)
    {
        if (text.Length == 0)
        {
            context.Ui.Note(context.Session.SystemPrompt is { Length: > 0 } current ? $"system: {current}" : "no system message");
            return;
        }

        await context.Session.SetSystemPromptAsync(text, ct).ConfigureAwait(false);
        context.Ui.Note("system message set");
    }

    private static async Task Model(ReplContext context, string name, CancellationToken ct)
    {
        if (name.Length == 0)
        {
            context.Ui.Note($"model: {context.Session.Model} ({context.Provider.Name})");
            return;
        }

        var (providerName, model) = context.Resolver.SplitModel(name);
        if (providerName is not null && !string.Equals(providerName, context.Provider.Name, StringComparison.OrdinalIgnoreCase))
        {
            var provider = context.Resolver.Resolve(new ConnectionOverrides { Provider = providerName, Model = model });
            await context.Session.ChangeModelAsync(provider.Model, CliChatClients.Create(provider, context.Reliability, context.Ui, context.Session.Catalog, context.Services.TokenCounterFor(provider.BaseUrl)), provider.Name, ct).ConfigureAwait(false);
            context.Provider = provider;
        }
        else
        {
            var resolved = context.Provider.Aliases.TryGetValue(model, out var aliased) ? aliased : model;
            await context.Session.ChangeModelAsync(resolved, cancellationToken: ct).ConfigureAwait(false);
            context.Provider = context.Provider with { Model = resolved };
        }

        context.Ui.Note($"model: {context.Session.Model} ({context.Provider.Name})");
    }

    private static Task Usage(ReplContext context, string _, CancellationToken ct)
    {
        var usage = context.Session.Usage;
        var invariant = CultureInfo.InvariantCulture;
        var line = new StringBuilder()
            .Append("Calls: ").Append(usage.Calls.ToString(invariant))
            .Append(" · Tokens: ").Append(usage.InputTokens.ToString("#,0", invariant)).Append(" in");
        if (usage.CachedInputTokens > 0)
        {
            line.Append(" (").Append(usage.CachedInputTokens.ToString("#,0", invariant)).Append(" cached)");
        }

        line.Append(" / ").Append(usage.OutputTokens.ToString("#,0", invariant)).Append(" out")
            .Append(" · total ").Append(usage.TotalTokens.ToString("#,0", invariant));
        if (usage.CostUsd > 0 || !usage.HasUnknownCost)
        {
            line.Append(" · ").Append(UsageLineFormatter.Cost(usage.CostUsd));
            if (usage.HasUnknownCost)
            {
                line.Append(" (some prices unknown)");
            }
        }
        else
        {
            line.Append(" · cost unknown");
        }

        if (context.Session.MaxCostUsd is { } limit)
        {
            line.Append(" of ").Append(UsageLineFormatter.Cost(limit)).Append(" limit");
        }

        context.Ui.Note(line.ToString());
        return Task.CompletedTask;
    }

    private static async Task Context(ReplContext context, string _, CancellationToken ct)
    {
        var report = await context.Session.GetContextReportAsync(ct).ConfigureAwait(false);
        var windowSource = context.Provider.Kind == ProviderKind.Gguf ? GgufDiagnostics.WindowSource(context.Session.Client) : null;
        foreach (var line in ContextReportFormatter.Format(report, context.Session.Context, windowSource))
        {
            context.Ui.Note(line);
        }
    }

    private static Task Retry(ReplContext context, string _, CancellationToken ct)
    {
        var asked = context.Session.LastTurn?.UserMessage;
        var question = context.Session.UndoLastTurn();
        if (question is null)
        {
            context.Ui.Note("nothing to retry yet");
        }
        else if (asked is { Contents: [TextContent prompt, _, ..] })
        {
            // Asked again with what was attached to it, not with the attachments' text folded into the question.
            context.PendingPrompt = prompt.Text;
            context.PendingAttachments.InsertRange(0, asked.Contents.Skip(1).Select(content => new Attachment("/retry", content, "attached to the last question")));
        }
        else
        {
            context.PendingPrompt = question;
        }

        return Task.CompletedTask;
    }

    private static async Task Attach(ReplContext context, string source, CancellationToken ct)
    {
        if (source.Length == 0)
        {
            if (context.PendingAttachments.Count == 0)
            {
                context.Ui.Note("nothing attached: /attach PATH adds a file to the next message");
            }

            foreach (var pending in context.PendingAttachments)
            {
                context.Ui.Note($"attached: {pending.Description}");
            }

            return;
        }

        try
        {
            var attachment = await AttachmentReader.ReadAsync(AsTypedInAShell(source), context.Session.ModelInfo, ct).ConfigureAwait(false);
            context.PendingAttachments.Add(attachment);
            context.Ui.Note($"attached {attachment.Description}: it goes with your next message");
        }
        catch (CliUsageException e)
        {
            context.Ui.Error(e.Message);
        }
    }

    // What a shell would have made of one path: surrounding quotes removed (a name with spaces), a leading ~/ for home.
    private static string AsTypedInAShell(string path)
    {
        if (path.Length >= 2 && path[0] == path[^1] && path[0] is '"' or '\'')
        {
            path = path[1..^1];
        }

        return path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
    }

    private static async Task Save(ReplContext context, string file, CancellationToken ct)
    {
        if (file.Length == 0)
        {
            context.Ui.Warn("usage: /save FILE");
            return;
        }

        var path = Path.GetFullPath(file);
        try
        {
            await ExportFile.WriteAsync(path, OpenAIMessageFormat.Write(context.Session.History) + "\n", context.Services.Paths.DatabaseFile, $"/save {file}", ct).ConfigureAwait(false);
            context.Ui.Note($"saved {Wording.Count(context.Session.History.Count, "message")} to {path}");
        }
        catch (CliUsageException e)
        {
            context.Ui.Error(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Ui.Error($"cannot write {path}: {e.Message}");
        }
    }

    private static Task Help(ReplContext context, string _, CancellationToken ct)
    {
        foreach (var command in All)
        {
            var usage = command.Arguments.Length == 0 ? command.Name : $"{command.Name} {command.Arguments}";
            context.Ui.Note($"{usage,-16} {command.Help}");
        }

        context.Ui.Note($"{MultiLineReader.Fence,-16} start or end a multi-line message");
        return Task.CompletedTask;
    }

    private static Task Exit(ReplContext context, string _, CancellationToken ct)
    {
        context.ExitRequested = true;
        return Task.CompletedTask;
    }
}
