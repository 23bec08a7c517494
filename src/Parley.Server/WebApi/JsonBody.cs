using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Parley.Server;

/// <summary>Reads the small JSON object a web API request sends (a title, a count), or says what is wrong with it.</summary>
internal static class JsonBody
{
    /// <summary>The largest body accepted for an edit.</summary>
    private const long MaxBytes = 64 * 1024;

    /// <summary>The parsed body (an object), or null with the 400/413 error to send.</summary>
    public static async Task<(JsonDocument? Document, GatewayError? Error)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        byte[]? body;
        try
        {
            body = await RequestBodyReader.ReadAsync(request, MaxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null;
        }

        if (body is null)
        {
            return (null, GatewayErrors.BodyTooLarge(MaxBytes));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return (null, GatewayErrors.InvalidJson($"invalid JSON at line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}."));
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return (null, GatewayErrors.InvalidJson("the body must be a JSON object."));
        }

        return (document, null);
    }
}
