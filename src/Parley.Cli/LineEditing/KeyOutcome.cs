namespace Parley.Cli;

/// <summary>What a key press did to a <see cref="LineBuffer"/>, and so what the editor does next.</summary>
internal enum KeyOutcome
{
    /// <summary>Nothing changed (unbound key, or nothing to do, e.g. Left at the start): no redraw.</summary>
    Ignored,

    /// <summary>The text or the cursor changed: redraw.</summary>
    Changed,

    /// <summary>Enter: the line is complete.</summary>
    Submit,

    /// <summary>Ctrl+D on an empty line: end of input.</summary>
    EndOfInput,

    /// <summary>Ctrl+L: clear the screen and redraw the line at the top.</summary>
    ClearScreen,
}
