using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Tool-call arguments and tool results as text, serialized the way Microsoft.Extensions.AI's OpenAI client puts
/// them on the wire: through the options' type info for <c>IDictionary&lt;string, object?&gt;</c> and for
/// <see cref="object"/> (never reflection-based <c>JsonSerializer.Serialize&lt;T&gt;</c>), so it works trimmed and
/// under NativeAOT. <see cref="AIJsonUtilities.DefaultOptions"/> is source-generated for the values a model
/// sends back (<see cref="JsonElement"/>, strings, numbers); with reflection disabled an arbitrary result type
/// that its resolver does not know cannot be serialized, and then, like that client, the result is sent (and
/// counted) as empty text.
/// </summary>
internal static class ToolJson
{
    /// <summary>The JSON of a call's arguments (<c>{}</c> when there are none).</summary>
    public static string Arguments(IDictionary<string, object?>? arguments, JsonSerializerOptions options)
    {
        try
        {
            return JsonSerializer.Serialize(arguments, options.GetTypeInfo(typeof(IDictionary<string, object?>)));
        }
        catch (NotSupportedException)
        {
            return string.Empty;
        }
    }

    /// <summary>A tool result as the text sent for it: strings as they are, other values as JSON.</summary>
    public static string Result(object? result, JsonSerializerOptions options)
    {
        switch (result)
        {
            case null:
                return string.Empty;
            case string text:
                return text;
        }

        try
        {
            return JsonSerializer.Serialize(result, options.GetTypeInfo(typeof(object)));
        }
        catch (NotSupportedException)
        {
            return string.Empty;
        }
    }
}
