using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Postgres;

/// <summary>
/// The text rules every Parley store shares (ids, titles, snippets, token counts as JSON, status names), written for
/// this package because the core keeps its copy internal; they must stay the same as the SQLite store's.
/// </summary>
internal static class PostgresText
{
    private const int MinimumPrefixLength = 4;
    private const int IdLength = 32;
    private const int TitleLength = 60;

    public static string NewId() => Guid.CreateVersion7().ToString("N");

    public static string HashKey(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

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

    public static IReadOnlyList<string> SearchTerms(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();

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

    public static long? TotalTokens(UsageDetails? usage) =>
        usage is null ? null
        : usage.TotalTokenCount ?? (usage.InputTokenCount is null && usage.OutputTokenCount is null ? null : (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0));

    public static string FormatStatus(TurnStatus status) => status switch
    {
        TurnStatus.Pending => "pending",
        TurnStatus.Complete => "complete",
        TurnStatus.Interrupted => "interrupted",
        TurnStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown turn status."),
    };

    public static TurnStatus ParseStatus(string value) => value switch
    {
        "pending" => TurnStatus.Pending,
        "complete" => TurnStatus.Complete,
        "interrupted" => TurnStatus.Interrupted,
        "failed" => TurnStatus.Failed,
        _ => throw new InvalidDataException($"Unknown turn status '{value}' in the database."),
    };

    public static TurnKind ParseKind(string value) => value switch
    {
        "chat" => TurnKind.Chat,
        "summary" => TurnKind.Summary,
        _ => throw new InvalidDataException($"Unknown turn kind '{value}' in the database."),
    };

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Month(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

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
}
