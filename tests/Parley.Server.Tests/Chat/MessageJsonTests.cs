using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Server.Tests;

/// <summary>
/// A kept conversation's messages are written as upstream JSON once: a later turn's <c>messages</c> array joins their
/// bytes, identical to writing every message again.
/// </summary>
public sealed class MessageJsonTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "parley-json-" + Guid.NewGuid().ToString("N") + ".db");
    private SqliteConversationStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteConversationStore.OpenAsync(_path);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        File.Delete(_path);
    }

    /// <summary>Texts a JSON writer must escape: quotes, backslashes, control characters, HTML-sensitive and non-ASCII characters.</summary>
    private static string Text(int i) => (i % 5) switch
    {
        0 => $"question {i}: \"quoted\" and a back\\slash",
        1 => $"answer {i}\nwith a new line\tand a tab",
        2 => $"<b>{i}</b> & 'apostrophes' — café 🙂 日本語",
        3 => string.Empty,
        _ => $"plain {i}",
    };

    [Fact]
    public async Task WriteArray_NextTurnOfAKeptConversation_WritesOnlyTheMessagesNotSentBeforeAndTheSameBytes()
    {
        var record = await _store.ImportAsync(
            new NewConversation { ClientId = "long" },
            Enumerable.Range(0, 1000).Select(i => new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, Text(i)) { AuthorName = i % 7 == 0 ? "ada" : null }));
        var cache = new ConversationCache();
        var key = ConversationCache.KeyOf(null, "long");

        var kept = await cache.LoadAsync(_store, key, record.Id, CancellationToken.None);
        var first = Prompt(kept, "system \"one\"", "next 1");
        var firstJson = MessageJson.WriteArray(first, kept.Json);
        Assert.Equal(1002, kept.Json.Writes); // the system message, 1,000 kept messages, the new question

        var turn = await _store.BeginTurnAsync(record.Id, new ChatMessage(ChatRole.User, "next 1"));
        await _store.CompleteTurnAsync(turn, new ChatMessage(ChatRole.Assistant, "Echo: \"next 1\""), new TurnOutcome { Status = TurnStatus.Complete });
        var again = await cache.LoadAsync(_store, key, record.Id, CancellationToken.None);
        var second = Prompt(again, "system \"one\"", "next 2");
        var secondJson = MessageJson.WriteArray(second, again.Json);

        Assert.Same(kept, again);
        Assert.Equal(1002 + 3, again.Json.Writes); // the turn's two saved messages and the new question
        Assert.Equal(OneWriter(first), Encoding.UTF8.GetString(firstJson));
        Assert.Equal(OneWriter(second), Encoding.UTF8.GetString(secondJson));
        Assert.Equal(OneWriter(second), Encoding.UTF8.GetString(MessageJson.WriteArray(second, null)));
    }

    [Fact]
    public void WriteArray_SystemPromptChanged_WritesTheNewOneAndForgetsTheOld()
    {
        var kept = new CachedConversation("id", []);
        var old = kept.SystemMessage("before");
        MessageJson.WriteArray([old], kept.Json);
        var changed = kept.SystemMessage("after");

        var json = MessageJson.WriteArray([changed, old], kept.Json);

        Assert.Equal("""[{"role":"system","content":"after"},{"role":"system","content":"before"}]""", Encoding.UTF8.GetString(json));
        Assert.Equal(3, kept.Json.Writes); // "before" twice: it is not kept once replaced
    }

    [Fact]
    public void WriteArray_NoMessages_EmptyArray()
    {
        Assert.Equal("[]", Encoding.UTF8.GetString(MessageJson.WriteArray([], new MessageJson())));
    }

    /// <summary>The array as the gateway wrote it before it kept messages' JSON: one writer, every message written.</summary>
    internal static string OneWriter(IEnumerable<ChatMessage> messages)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var message in messages)
            {
                OpenAIMessageFormat.WriteMessage(writer, message);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static List<ChatMessage> Prompt(CachedConversation kept, string system, string question) =>
        [kept.SystemMessage(system), .. kept.Snapshot().Select(m => m.Message), new ChatMessage(ChatRole.User, question)];
}
