using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Tests.Storage;

/// <summary>
/// What a message's contents say, as comparable text (type and every stored property in order), so a test can check
/// that a loaded message has the same contents as the one saved — content objects compare by reference.
/// </summary>
internal static class ContentShapes
{
    public static IReadOnlyList<string> Of(ChatMessage message) => [.. message.Contents.Select(Of)];

    public static string Of(AIContent content) => content switch
    {
        TextContent text => $"text {text.Text}",
        FunctionCallContent call => $"call {call.CallId} {call.Name} {Json(call.Arguments)}",
        FunctionResultContent result => $"result {result.CallId} {Result(result.Result)} error={result.Exception?.Message}",
        DataContent data => $"data {data.MediaType} {data.Name} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(data.Data.Span))} {data.Data.Length}",
        UriContent uri => $"uri {uri.Uri} {uri.MediaType}",
        _ => content.GetType().Name,
    };

    private static string Result(object? result) => result switch
    {
        null => "null",
        string text => "text:" + text,
        IEnumerable<AIContent> contents => "[" + string.Join(", ", contents.Select(Of)) + "]",
        _ => "json:" + Json(result),
    };

    private static string Json(object? value) => value is null ? "null" : JsonSerializer.Serialize(value);
}
