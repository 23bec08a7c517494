using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Parley.Server;

/// <summary>Writes a <see cref="GatewayError"/> as <c>{"error":{"message","type","param","code"}}</c> with its status and headers.</summary>
internal static class ErrorResponse
{
    public static async Task WriteAsync(HttpContext context, GatewayError error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return;
        }

        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        foreach (var (name, value) in error.Headers)
        {
            response.Headers[name] = value;
        }

        WriteBody(response.BodyWriter, error);
        try
        {
            await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client is gone; nobody reads the error.
        }
    }

    public static void WriteBody(System.Buffers.IBufferWriter<byte> output, GatewayError error)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", error.Message);
        writer.WriteString("type", error.Type);
        if (error.Param is null)
        {
            writer.WriteNull("param");
        }
        else
        {
            writer.WriteString("param", error.Param);
        }

        writer.WriteString("code", error.Code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
