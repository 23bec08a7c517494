namespace Parley.Cli;

/// <summary>
/// The warning for a model id the catalog does not know (<c>gpt-4o-mni</c>): its price is unknown, so no cost is
/// claimed, and the closest catalog id is offered. The request is still sent: the server decides whether the model exists.
/// </summary>
internal static class UnknownModelNotice
{
    /// <summary>The warning, or null when the catalog knows the model (an id, alias, dated snapshot, fine-tune or Ollama tag).</summary>
    public static string? For(ModelCatalog catalog, string modelId)
    {
        if (catalog.Find(modelId) is not null)
        {
            return null;
        }

        var text = $"{modelId} is not in the model catalog: price unknown";
        return Suggest(catalog, modelId) is { } suggestion ? $"{text} (did you mean {suggestion}?)" : text;
    }

    /// <summary>The catalog id within two edits of <paramref name="modelId"/> (one for short ids), closest first, then in catalog order.</summary>
    public static string? Suggest(ModelCatalog catalog, string modelId)
    {
        var id = modelId.Trim().ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var model in catalog.Models)
        {
            var candidate = model.Id.ToLowerInvariant();
            var distance = CommandSuggester.Distance(id, candidate);
            var allowed = candidate.Length <= 4 ? 1 : 2;
            if (distance > 0 && distance <= allowed && distance < bestDistance)
            {
                best = model.Id;
                bestDistance = distance;
            }
        }

        return best;
    }
}
