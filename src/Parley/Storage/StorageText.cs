using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>Ids, titles, timestamps, token-count JSON, turn statuses and kinds, budget periods and search snippets shared by the stores.</summary>
internal static class StorageText
{
    /// <summary>The turn a store's <c>BeginTurnAsync</c> returns: a pending chat turn whose question is saved.</summary>
    public static TurnRecord PendingTurn(string turnId, string conversationId, long userSequence, DateTimeOffset createdAt) => new()
    {
        Id = turnId,
        ConversationId = conversationId,
        Status = TurnStatus.Pending,
        UserSequence = userSequence,
        Usage = new UsageDetails(),
        CreatedAt = createdAt,
        UpdatedAt = createdAt,
    };

    /// <summary>The shortest id prefix that resolves.</summary>
    public const int MinimumPrefixLength = 4;

    /// <summary>The length of a full id.</summary>
    public const int IdLength = 32;

    /// <summary>The longest title made from a first message.</summary>
    public const int TitleLength = 60;

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>A new time-ordered id: UUID v7 as 32 lowercase hex characters.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>Normalizes an id or prefix: trims, drops dashes, lowercases; checks length and alphabet.</summary>
    public static string NormalizePrefix(string idOrPrefix)
    {
        ArgumentNullException.ThrowIfNull(idOrPrefix);
        string normalized = idOrPrefix.Trim().Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        if (normalized.Length < MinimumPrefixLength)
        {
            throw new ArgumentException(
                $"The conversation id '{idOrPrefix}' is too short: give at least {MinimumPrefixLength} characters of the id.",
                nameof(idOrPrefix));
        }

        if (normalized.Length > IdLength || !normalized.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException(
                $"'{idOrPrefix}' is not a conversation id: ids are {IdLength} hexadecimal characters (0-9, a-f).",
                nameof(idOrPrefix));
        }

        return normalized;
    }

    /// <summary>A one-line title from a message: whitespace collapsed, cut at a word boundary near <see cref="TitleLength"/> characters.</summary>
    public static string? MakeTitle(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        string line = CollapseWhitespace(text);
        if (line.Length <= TitleLength)
        {
            return line;
        }

        int cut = TitleLength - 1;
        if (char.IsLowSurrogate(line[cut]))
        {
            cut--;
        }

        int space = line.LastIndexOf(' ', cut);
        if (space >= TitleLength / 2)
        {
            cut = space;
        }

        return line[..cut].TrimEnd() + "…";
    }

    /// <summary>Formats an instant as sortable ISO 8601 UTC text with milliseconds.</summary>
    public static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses text written by <see cref="FormatTime"/>.</summary>
    public static DateTimeOffset ParseTime(string value) =>
        new(DateTime.ParseExact(value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), TimeSpan.Zero);

    /// <summary>Rounds an instant to what <see cref="FormatTime"/> keeps (milliseconds), so both stores report the same values.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    /// <summary>Serializes token counts as a JSON object (<c>{"o200k_base":12}</c>), or <see langword="null"/> when empty.</summary>
    public static string? TokenCountsToJson(IReadOnlyDictionary<string, int>? counts)
    {
        if (counts is null || counts.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var pair in counts.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteNumber(pair.Key, pair.Value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Parses token counts written by <see cref="TokenCountsToJson"/>; unreadable values are skipped.</summary>
    public static IReadOnlyDictionary<string, int> TokenCountsFromJson(string? json)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json))
        {
            return counts;
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out int value))
                {
                    counts[property.Name] = value;
                }
            }
        }

        return counts;
    }

    /// <summary>Copies token counts so later changes by the caller do not leak into the store.</summary>
    public static IReadOnlyDictionary<string, int> CopyTokenCounts(IReadOnlyDictionary<string, int>? counts) =>
        counts is null ? new Dictionary<string, int>(StringComparer.Ordinal) : new Dictionary<string, int>(counts, StringComparer.Ordinal);

    /// <summary>Splits a search text into distinct whitespace-separated terms.</summary>
    public static IReadOnlyList<string> SearchTerms(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();

    /// <summary>The number of Unicode characters (code points) in a term: the unit of the trigram index.</summary>
    public static int CodePointCount(string term) => term.EnumerateRunes().Count();

    /// <summary>Whether the text contains every term, ignoring case.</summary>
    public static bool ContainsAll(string text, IReadOnlyList<string> terms) =>
        terms.All(t => text.Contains(t, StringComparison.OrdinalIgnoreCase));

    /// <summary>A one-line excerpt around the first occurrence of any term.</summary>
    public static string Snippet(string content, IReadOnlyList<string> terms, int width = 100)
    {
        string line = CollapseWhitespace(content);
        int index = -1;
        string? found = null;
        foreach (string term in terms)
        {
            int at = line.IndexOf(term, StringComparison.OrdinalIgnoreCase);
            if (at >= 0 && (index < 0 || at < index))
            {
                index = at;
                found = term;
            }
        }

        if (line.Length <= width)
        {
            return line;
        }

        int start = index < 0 ? 0 : Math.Max(0, index - ((width - (found?.Length ?? 0)) / 3));
        start = Math.Min(start, line.Length - width);
        if (start > 0 && char.IsLowSurrogate(line[start]))
        {
            start++;
        }

        int end = Math.Min(line.Length, start + width);
        if (end < line.Length && char.IsHighSurrogate(line[end - 1]))
        {
            end--;
        }

        return (start > 0 ? "…" : string.Empty) + line[start..end].Trim() + (end < line.Length ? "…" : string.Empty);
    }

    /// <summary>The provider's total, else input + output when either is known.</summary>
    public static long? TotalTokens(UsageDetails? usage) =>
        usage is null ? null
        : usage.TotalTokenCount ?? (usage.InputTokenCount is null && usage.OutputTokenCount is null ? null : (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0));

    /// <summary>A turn status as both stores write it.</summary>
    public static string FormatStatus(TurnStatus status) => status switch
    {
        TurnStatus.Pending => "pending",
        TurnStatus.Complete => "complete",
        TurnStatus.Interrupted => "interrupted",
        TurnStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown turn status."),
    };

    /// <summary>A turn status as both stores read it back.</summary>
    public static TurnStatus ParseStatus(string value) => value switch
    {
        "pending" => TurnStatus.Pending,
        "complete" => TurnStatus.Complete,
        "interrupted" => TurnStatus.Interrupted,
        "failed" => TurnStatus.Failed,
        _ => throw new InvalidDataException($"Unknown turn status '{value}' in the database."),
    };

    /// <summary>A turn kind as both stores read it back.</summary>
    public static TurnKind ParseKind(string value) => value switch
    {
        "chat" => TurnKind.Chat,
        "summary" => TurnKind.Summary,
        _ => throw new InvalidDataException($"Unknown turn kind '{value}' in the database."),
    };

    /// <summary>The UTC day a budget reservation belongs to, as both stores key it.</summary>
    public static string BudgetDay(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The UTC month a budget reservation belongs to, as both stores key it.</summary>
    public static string BudgetMonth(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static string CollapseWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>A message read from its row: its text alone, or its parts when it has more (<see cref="MessageParts"/>), stamped with the save time.</summary>
    public static ChatMessage StoredMessage(ChatRole role, string content, string? parts, DateTimeOffset createdAt)
    {
        var message = MessageParts.ToMessage(role, content, parts);
        message.CreatedAt = createdAt;
        return message;
    }

    /// <summary>A message as the store gives it back after saving it: what was saved of it (never the caller's object), stamped with the save time.</summary>
    public static ChatMessage StoredCopy(ChatMessage message, DateTimeOffset savedAt) =>
        StoredMessage(message.Role, message.Text, MessageParts.ToJson(message), savedAt);
}
