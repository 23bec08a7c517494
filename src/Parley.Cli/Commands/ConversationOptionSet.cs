using System.CommandLine;

namespace Parley.Cli;

/// <summary>The flags that choose the conversation: <c>-c</c>, <c>--cid</c>, <c>--no-log</c>, <c>--messages</c>.</summary>
internal sealed class ConversationOptionSet
{
    public Option<bool> Continue { get; } = new("--continue", "-c") { Description = "Continue the most recent saved conversation" };

    public Option<string?> ConversationId { get; } = new("--cid")
    {
        Description = "Continue the saved conversation with this id (a unique prefix of 4+ characters is enough)",
        HelpName = "ID",
    };

    public Option<bool> NoLog { get; } = new("--no-log") { Description = "Do not save this conversation" };

    public Option<string?> Messages { get; } = new("--messages")
    {
        Description = "Start from an OpenAI messages JSON array (few-shot examples); a final user message is the prompt",
        HelpName = "FILE",
    };

    public void AddTo(Command command)
    {
        command.Add(Continue);
        command.Add(ConversationId);
        command.Add(NoLog);
        command.Add(Messages);
    }
}
