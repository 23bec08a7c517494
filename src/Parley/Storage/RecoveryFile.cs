using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// The files a finished turn goes to when the database stays locked past the save wait: <c>DB.recovery-TURN.jsonl</c>
/// beside the database (JSON lines, readable by the owner only), imported by the next process that opens the store.
/// </summary>
internal static class RecoveryFile
{
    /// <summary>Writes <paramref name="turn"/> to its own recovery file (a temporary file, then a rename) and returns its path.</summary>
    public static async Task<string> WriteAsync(string databasePath, RecoveredTurn turn, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(databasePath) ?? ".";
        var path = Path.Combine(folder, $"{Path.GetFileName(databasePath)}.recovery-{turn.TurnId}.jsonl");
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(temporary, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Serialize(turn), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>The recovery files waiting beside <paramref name="databasePath"/>, oldest first.</summary>
    public static IReadOnlyList<string> Find(string databasePath)
    {
        var folder = Path.GetDirectoryName(databasePath);
        if (folder is null || !Directory.Exists(folder))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(folder, $"{Path.GetFileName(databasePath)}.recovery-*.jsonl").OrderBy(File.GetLastWriteTimeUtc)];
    }

    /// <summary>Reads the turns of a recovery file; a line that cannot be read is an error (the file is left for a person).</summary>
    /// <exception cref="JsonException">A line is not a recovered turn.</exception>
    public static async Task<IReadOnlyList<RecoveredTurn>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var turns = new List<RecoveredTurn>();
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (line.Length > 0)
            {
                turns.Add(Parse(line));
            }
        }

        return turns;
    }

    internal static byte[] Serialize(RecoveredTurn turn)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            var outcome = turn.Outcome;
            json.WriteStartObject();
            var last = turn.Messages.Count > 0 ? turn.Messages[^1] : null;
            json.WriteNumber("version", 2);
            json.WriteString("turn_id", turn.TurnId);
            json.WriteString("conversation_id", turn.ConversationId);
            json.WriteNumber("user_seq", turn.UserSequence);
            json.WriteString("assistant", last?.Text); // what a version-1 reader imports
            json.WriteString("assistant_message_id", last?.MessageId);
            WriteMessages(json, turn.Messages);
            json.WriteString("status", StorageText.FormatStatus(outcome.Status));
            json.WriteString("model", outcome.Model);
            json.WriteString("finish_reason", outcome.FinishReason?.Value);
            WriteNumber(json, "input_tokens", outcome.Usage?.InputTokenCount);
            WriteNumber(json, "output_tokens", outcome.Usage?.OutputTokenCount);
            WriteNumber(json, "cached_input_tokens", outcome.Usage?.CachedInputTokenCount);
            WriteNumber(json, "reasoning_tokens", outcome.Usage?.ReasoningTokenCount);
            WriteNumber(json, "total_tokens", outcome.Usage?.TotalTokenCount);
            json.WriteString("cost_usd", outcome.CostUsd?.ToString(CultureInfo.InvariantCulture));
            WriteNumber(json, "latency_ms", outcome.Latency is { } latency ? (long)Math.Round(latency.TotalMilliseconds) : null);
            WriteNumber(json, "ttft_ms", outcome.TimeToFirstToken is { } ttft ? (long)Math.Round(ttft.TotalMilliseconds) : null);
            json.WriteString("error", outcome.Error);
            WriteNumber(json, "context_dropped", outcome.MessagesDropped);
            WriteNumber(json, "context_summarized", outcome.MessagesSummarized);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    internal static RecoveredTurn Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var input = Number(root, "input_tokens");
        var output = Number(root, "output_tokens");
        var cached = Number(root, "cached_input_tokens");
        var reasoning = Number(root, "reasoning_tokens");
        var total = Number(root, "total_tokens");
        var anyUsage = input is not null || output is not null || cached is not null || reasoning is not null || total is not null;
        return new RecoveredTurn
        {
            TurnId = Text(root, "turn_id") ?? throw new JsonException("a recovered turn has no turn_id"),
            ConversationId = Text(root, "conversation_id") ?? throw new JsonException("a recovered turn has no conversation_id"),
            UserSequence = Number(root, "user_seq") ?? throw new JsonException("a recovered turn has no user_seq"),
            Messages = ReadMessages(root),
            Outcome = new TurnOutcome
            {
                Status = Text(root, "status") switch
                {
                    "complete" => TurnStatus.Complete,
                    "interrupted" => TurnStatus.Interrupted,
                    "failed" => TurnStatus.Failed,
                    var other => throw new JsonException($"a recovered turn has the status '{other}'"),
                },
                Model = Text(root, "model"),
                FinishReason = Text(root, "finish_reason") is { } finish ? new ChatFinishReason(finish) : null,
                Usage = anyUsage
                    ? new UsageDetails { InputTokenCount = input, OutputTokenCount = output, CachedInputTokenCount = cached, ReasoningTokenCount = reasoning, TotalTokenCount = total }
                    : null,
                CostUsd = Text(root, "cost_usd") is { } cost ? decimal.Parse(cost, NumberStyles.Number, CultureInfo.InvariantCulture) : null,
                Latency = Number(root, "latency_ms") is { } latency ? TimeSpan.FromMilliseconds(latency) : null,
                TimeToFirstToken = Number(root, "ttft_ms") is { } ttft ? TimeSpan.FromMilliseconds(ttft) : null,
                Error = Text(root, "error"),
                MessagesDropped = Number(root, "context_dropped") is { } dropped ? (int)dropped : null,
                MessagesSummarized = Number(root, "context_summarized") is { } summarized ? (int)summarized : null,
            },
        };
    }

    // Version 2: every message of the answer with its parts (MessageParts), so a tool round survives the recovery file.
    private static void WriteMessages(Utf8JsonWriter json, IReadOnlyList<ChatMessage> messages)
    {
        json.WritePropertyName("messages");
        json.WriteStartArray();
        foreach (var message in messages)
        {
            json.WriteStartObject();
            json.WriteString("role", message.Role.Value);
            json.WriteString("text", message.Text);
            json.WriteString("message_id", message.MessageId);
            if (MessageParts.ToJson(message) is { } parts)
            {
                json.WritePropertyName("parts");
                json.WriteRawValue(parts, skipInputValidation: true);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static List<ChatMessage> ReadMessages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            // Version 1: the answer's text only.
            return Text(root, "assistant") is { } text ? [new ChatMessage(ChatRole.Assistant, text) { MessageId = Text(root, "assistant_message_id") }] : [];
        }

        var list = new List<ChatMessage>();
        foreach (var item in messages.EnumerateArray())
        {
            var parts = item.TryGetProperty("parts", out var value) && value.ValueKind == JsonValueKind.Array ? value.GetRawText() : null;
            var message = MessageParts.ToMessage(new ChatRole(Text(item, "role") ?? "assistant"), Text(item, "text") ?? string.Empty, parts);
            message.MessageId = Text(item, "message_id");
            list.Add(message);
        }

        return list;
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;
}
