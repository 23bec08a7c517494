namespace Parley;

/// <summary>The prompt cannot fit the model's context window even after the context policy: nothing was sent.</summary>
public sealed class ContextWindowExceededException : ParleyException
{
    /// <summary>Creates the error.</summary>
    public ContextWindowExceededException(string model, int promptTokens, int contextWindow, int reservedOutput, bool estimated)
        : base($"the prompt needs {(estimated ? "about " : string.Empty)}{promptTokens:N0} tokens but {model} has a {contextWindow:N0}-token window "
            + $"and {reservedOutput:N0} are kept for the answer: shorten the message, or lower --reserve-output / --max-tokens (nothing was sent)")
    {
        Model = model;
        PromptTokens = promptTokens;
        ContextWindow = contextWindow;
        ReservedOutput = reservedOutput;
    }

    /// <summary>The model whose window was exceeded.</summary>
    public string Model { get; }

    /// <summary>The prompt's size in tokens.</summary>
    public int PromptTokens { get; }

    /// <summary>The model's context window.</summary>
    public int ContextWindow { get; }

    /// <summary>The tokens kept free for the answer.</summary>
    public int ReservedOutput { get; }
}
