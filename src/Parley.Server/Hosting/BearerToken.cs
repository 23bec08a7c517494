using Microsoft.AspNetCore.Http;

namespace Parley.Server;

/// <summary>The token of an <c>Authorization: Bearer …</c> header, or null.</summary>
internal static class BearerToken
{
    public static string? Read(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }
}
