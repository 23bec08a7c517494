namespace Parley.Cli;

/// <summary>Resolves a conversation id or prefix typed by the user, turning store errors into usage errors.</summary>
internal static class ConversationIds
{
    public static async Task<string> ResolveAsync(IConversationHistory store, string idOrPrefix, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ResolveIdAsync(idOrPrefix, cancellationToken).ConfigureAwait(false);
        }
        catch (ConversationNotFoundException e) when (e.Candidates.Count > 0)
        {
            var candidates = string.Concat(e.Candidates.Take(10).Select(c => $"\n  {c.Id}  {c.Title ?? "(untitled)"}"));
            throw new CliUsageException($"the id '{idOrPrefix}' matches several conversations; type more characters:{candidates}");
        }
        catch (ConversationNotFoundException)
        {
            throw new CliUsageException($"no saved conversation has the id '{idOrPrefix}' (parley history lists them)");
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(WithoutParameterName(e));
        }
    }

    // ArgumentException.Message ends with " (Parameter 'idOrPrefix')": the library's name for it, not the user's.
    private static string WithoutParameterName(ArgumentException e)
    {
        if (e.ParamName is null)
        {
            return e.Message;
        }

        var suffix = new ArgumentException(string.Empty, e.ParamName).Message;
        return e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
    }
}
