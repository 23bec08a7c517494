using System.Text.Json;
using Spectre.Console;
using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>
/// Decides whether a tool call runs. With <c>--yes</c> every call does. In a terminal each call is shown (tool and
/// arguments, on stderr) and asked for: <c>y</c>es, <c>n</c>o, or <c>a</c>lways for this tool in this conversation.
/// Without a terminal a call is refused, with a note saying <c>--yes</c> approves calls. A refused call is not run: the
/// model receives <see cref="RefusedResult"/> as its result.
/// </summary>
internal sealed class ToolApprover
{
    /// <summary>What the model is told about a call that was not run.</summary>
    public const string RefusedResult = "The user refused this tool call: it was not run.";

    private readonly ConsoleInteraction _ui;
    private readonly bool _approveAll;
    private readonly bool _canAsk;
    private readonly Func<CancellationToken, Task<char?>> _readKey;
    private readonly HashSet<string> _always = new(StringComparer.Ordinal);
    private bool _noTerminalNoted;

    /// <param name="ui">Where calls are shown.</param>
    /// <param name="approveAll"><c>--yes</c>.</param>
    /// <param name="canAsk">True when a terminal can answer (standard input is one).</param>
    /// <param name="readKey">Reads one key (null: the console's).</param>
    public ToolApprover(ConsoleInteraction ui, bool approveAll, bool canAsk, Func<CancellationToken, Task<char?>>? readKey = null)
    {
        _ui = ui;
        _approveAll = approveAll;
        _canAsk = canAsk;
        _readKey = readKey ?? ReadConsoleKeyAsync;
    }

    /// <summary>Runs before a call is shown or asked for (the chat ends its spinner and the answer so far).</summary>
    public Func<Task>? BeforeAsking { get; set; }

    /// <summary>Runs after it (the chat starts waiting for the model again).</summary>
    public Action? AfterAsking { get; set; }

    /// <summary>Every tool of <paramref name="tools"/>, asking this approver before each call.</summary>
    public IList<AITool> Guard(IEnumerable<AIFunction> tools) => [.. tools.Select(t => (AITool)new ApprovalFunction(t, this))];

    /// <summary>True when the call may run.</summary>
    public async Task<bool> ApproveAsync(AIFunction tool, AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var call = $"{tool.Name} {Describe(arguments)}";

        // Whatever is said about the call (a note, a question) takes the spinner's place and starts on its own line.
        if (BeforeAsking is { } before)
        {
            await before().ConfigureAwait(false);
        }

        try
        {
            if (_approveAll || _always.Contains(tool.Name))
            {
                _ui.Note($"tool {call}");
                return true;
            }

            if (!_canAsk)
            {
                if (!_noTerminalNoted)
                {
                    _noTerminalNoted = true;
                    _ui.Warn("tool calls are refused without a terminal to ask: pass --yes to approve them");
                }

                _ui.Warn($"refused tool call {call}");
                return false;
            }

            while (true)
            {
                _ui.Status.Markup($"[yellow]tool[/] {Markup.Escape(UntrustedText.ForTerminal(call))}  run it? [[y]]es / [[n]]o / [[a]]lways for this tool: ");
                var key = await _readKey(cancellationToken).ConfigureAwait(false);
                var answer = key is { } k ? char.ToLowerInvariant(k) : 'n';
                _ui.Status.WriteLine(answer is 'y' or 'n' or 'a' ? answer.ToString() : string.Empty);
                switch (answer)
                {
                    case 'y':
                        return true;
                    case 'a':
                        _always.Add(tool.Name);
                        return true;
                    case 'n' or '\r' or '\n':
                        _ui.Note($"refused: {tool.Name} was not run");
                        return false;
                }
            }
        }
        finally
        {
            AfterAsking?.Invoke();
        }
    }

    /// <summary>The arguments as compact JSON (what the model sent).</summary>
    internal static string Describe(AIFunctionArguments arguments)
    {
        var json = new System.Text.StringBuilder("{");
        foreach (var (name, value) in arguments)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }

            json.Append(JsonSerializer.Serialize(name, ToolJsonContext.Default.String)).Append(':');
            json.Append(value switch
            {
                null => "null",
                JsonElement element => element.GetRawText(),
                string text => JsonSerializer.Serialize(text, ToolJsonContext.Default.String),
                _ => JsonSerializer.Serialize(value.ToString(), ToolJsonContext.Default.String),
            });
        }

        return json.Append('}').ToString();
    }

    // Waits for a key without blocking a thread, so Ctrl+C (the turn's token) leaves no reader behind to take the next key.
    private static async Task<char?> ReadConsoleKeyAsync(CancellationToken cancellationToken)
    {
        while (!Console.KeyAvailable)
        {
            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }

        var key = Console.ReadKey(intercept: true);
        return key.KeyChar == '\0' ? null : key.KeyChar;
    }
}
