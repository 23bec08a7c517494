using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Parley.Server;

/// <summary>Writes a JSON answer built with <see cref="Utf8JsonWriter"/> (no reflection), with its length.</summary>
internal static class JsonReply
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write, CancellationToken cancellationToken) =>
        WriteAsync(context, "application/json", write, cancellationToken);

    public static async Task WriteAsync(HttpContext context, string contentType, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        await WriteAsync(context, contentType, buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    public static async Task WriteAsync(HttpContext context, string contentType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A dollar amount as a JSON number without trailing zeros, or null.</summary>
    public static void WriteCost(this Utf8JsonWriter writer, string name, decimal? value)
    {
        if (value is { } cost)
        {
            writer.WriteNumber(name, cost / 1.000000000000000000000000000000000m);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static void WriteNumberOrNull(this Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>A time as ISO 8601 UTC.</summary>
    public static void WriteTime(this Utf8JsonWriter writer, string name, DateTimeOffset value) => writer.WriteString(name, value.UtcDateTime);
}
