using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>How a context policy decides what to send without counting, as far as the warm-up needs to know.</summary>
/// <param name="LastMessages">For <c>last:N</c>: N (only those messages are sent and counted).</param>
/// <param name="Summarize">For <c>summarize</c>: its threshold is the counting limit.</param>
/// <param name="SummarizeAt">The summary threshold (null: the default).</param>
internal readonly record struct CountingRule(int? LastMessages = null, bool Summarize = false, ContextThreshold? SummarizeAt = null)
{
    public static CountingRule FromName(string policy, ContextSettings context) => ContextPolicyFactory.Parse(policy) switch
    {
        ("last", var count) => new CountingRule(LastMessages: count),
        ("summarize", _) => new CountingRule(Summarize: true, SummarizeAt: context.SummarizeAt),
        _ => default,
    };

    public static CountingRule FromPolicy(IChatReducer? policy) => policy switch
    {
        LastMessagesPolicy last => new CountingRule(LastMessages: last.Count),
        SummarizingPolicy summarizing => new CountingRule(Summarize: true, SummarizeAt: summarizing.Options.At),
        _ => default,
    };
}
