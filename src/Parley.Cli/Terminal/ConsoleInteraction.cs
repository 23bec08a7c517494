using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Parley.Cli;

/// <summary>
/// The one way commands talk to the terminal. stdout carries only the answer (flushed chunk by chunk, so it pipes);
/// notes, warnings, errors and usage go to stderr through Spectre.Console, which escapes model text and turns styling
/// off for <c>NO_COLOR</c> and non-terminal output. Text written to a terminal carries no control sequences
/// (<see cref="UntrustedText"/>); piped stdout keeps the answer's bytes. Everything on stderr has the known secrets
/// masked (<see cref="Secrets"/>) and no control sequences.
/// </summary>
internal sealed class ConsoleInteraction
{
    private const int MaxDetailCharacters = 64 * 1024;
    private const string Dim = "\u001b[2m";
    private const string NotDim = "\u001b[22m";
    private readonly TextWriter _answer;
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private bool _answerEndsWithNewline = true;
    private bool _reasoningLineOpen;

    public ConsoleInteraction(TextWriter answer, IAnsiConsole status, bool answerIsTerminal, IAnsiConsole? output = null)
    {
        _answer = answer;
        Status = status;
        AnswerIsTerminal = answerIsTerminal;
        Output = output ?? PlainConsole(answer);
    }

    /// <summary>Every secret known to this process (filled as the configuration is read); masked on stderr.</summary>
    public SecretRedactor Secrets { get; } = new();

    /// <summary>The stderr console.</summary>
    public IAnsiConsole Status { get; }

    /// <summary>
    /// A console over stdout for tables (<see cref="WriteRenderableAsync"/>); styled only when stdout is a terminal and
    /// <c>NO_COLOR</c> is unset. Commands print plain lines instead when <see cref="AnswerIsTerminal"/> is false.
    /// </summary>
    public IAnsiConsole Output { get; }

    /// <summary>True when stdout is a terminal (not piped or redirected).</summary>
    public bool AnswerIsTerminal { get; }

    /// <summary>Creates the interaction for the real process streams.</summary>
    public static ConsoleInteraction ForProcess()
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
        var noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var stderrIsTerminal = !Console.IsErrorRedirected;
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true }),
            Ansi = noColor || !stderrIsTerminal ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = noColor || !stderrIsTerminal ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = stderrIsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!stderrIsTerminal)
        {
            stderr.Profile.Width = 4096;
        }

        var stdoutIsTerminal = !Console.IsOutputRedirected;
        var output = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = noColor || !stdoutIsTerminal ? AnsiSupport.No : AnsiSupport.Yes,
            ColorSystem = noColor || !stdoutIsTerminal ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (stdoutIsTerminal)
        {
            output.Profile.Width = SafeWindowWidth();
        }

        return new ConsoleInteraction(stdout, stderr, stdoutIsTerminal, output);
    }

    /// <summary>
    /// Writes a piece of the model's reasoning to stderr, dimmed (plain when stderr is not a terminal or <c>NO_COLOR</c>
    /// is set), as it arrives; the answer, or any other line, starts on a line of its own after it.
    /// </summary>
    public void WriteReasoning(string text)
    {
        text = ForStatus(text);
        if (text.Length == 0)
        {
            return;
        }

        // Straight to the writer: a Spectre renderable ends its line, and reasoning arrives in pieces of a line.
        var writer = Status.Profile.Out.Writer;
        writer.Write(Status.Profile.Capabilities.Ansi ? $"{Dim}{text}{NotDim}" : text);
        writer.Flush();
        _reasoningLineOpen = text[^1] != '\n';
    }

    /// <summary>Writes a piece of the answer to stdout and flushes it at once.</summary>
    public async Task WriteAnswerAsync(string text, CancellationToken cancellationToken)
    {
        if (AnswerIsTerminal)
        {
            text = UntrustedText.ForTerminal(text);
        }

        if (text.Length == 0)
        {
            return;
        }

        EndReasoning();

        await _answer.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
        await _answer.FlushAsync(cancellationToken).ConfigureAwait(false);
        _answerEndsWithNewline = text[^1] == '\n';
    }

    /// <summary>Ends the answer with a newline if it does not have one.</summary>
    public async Task EndAnswerAsync()
    {
        EndReasoning();
        if (!_answerEndsWithNewline)
        {
            await _answer.WriteLineAsync().ConfigureAwait(false);
            _answerEndsWithNewline = true;
        }

        await _answer.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Writes a whole line of machine output (e.g. JSON or a bare number) to stdout.</summary>
    public async Task WriteOutputLineAsync(string line)
    {
        EndReasoning();
        await _answer.WriteLineAsync(AnswerIsTerminal ? UntrustedText.ForTerminal(line) : line).ConfigureAwait(false);
        await _answer.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Writes a table (or another renderable) to stdout through <see cref="Output"/>.</summary>
    public async Task WriteRenderableAsync(IRenderable renderable)
    {
        Output.Write(AnswerIsTerminal ? new UntrustedRenderable(renderable) : renderable);
        await _answer.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>A plain note on stderr.</summary>
    public void Note(string text)
    {
        EndReasoning();
        Status.MarkupLine($"[grey]{Markup.Escape(ForStatus(text))}[/]");
    }

    /// <summary>A warning on stderr.</summary>
    public void Warn(string text)
    {
        EndReasoning();
        // A warning that comes at the end of a streamed answer (e.g. its usage could not be read) starts on its own
        // line in a terminal: the answer's line is ended first (the newline it would have got anyway).
        if (!_answerEndsWithNewline)
        {
            _answer.WriteLine();
            _answer.Flush();
            _answerEndsWithNewline = true;
        }

        Status.MarkupLine($"[yellow]warning:[/] {Markup.Escape(ForStatus(text))}");
    }

    /// <summary>A warning on stderr, shown once per process however often it is given.</summary>
    public void WarnOnce(string text)
    {
        lock (_warned)
        {
            if (!_warned.Add(text))
            {
                return;
            }
        }

        Warn(text);
    }

    /// <summary>An error on stderr (one line).</summary>
    public void Error(string text)
    {
        EndReasoning();
        Status.MarkupLine($"[red]error:[/] {Markup.Escape(ForStatus(text))}");
    }

    // Reasoning streamed without a final newline: end its line on stderr before anything else is written.
    /// <summary>Ends the reasoning's line, if one is open (an answer written elsewhere starts on a line of its own).</summary>
    public void EndReasoning()
    {
        if (_reasoningLineOpen)
        {
            _reasoningLineOpen = false;
            Status.WriteLine();
        }
    }

    /// <summary>
    /// Unstyled text on stderr (stack traces under --verbose), bounded: an exception's message can hold a whole
    /// error body.
    /// </summary>
    public void Detail(string text) => Status.WriteLine(ForStatus(ErrorExcerpt.Of(text, MaxDetailCharacters)));

    // stderr is for people, piped or not: secrets masked, no control sequences.
    private string ForStatus(string text) => UntrustedText.ForTerminal(Secrets.Redact(text));

    private static IAnsiConsole PlainConsole(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return console;
    }

    private static int SafeWindowWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
