using System.Globalization;

namespace Parley;

/// <summary>
/// The key a server's learned facts are kept under: lowercase scheme and host, the port (always written), and the path
/// without a trailing slash, e.g. <c>http://localhost:11434/v1</c>. User info, query and fragment are left out.
/// One implementation, compiled into Parley and Parley.Hosting (linked source).
/// </summary>
internal static class EndpointKeys
{
    /// <summary>The key of <paramref name="endpoint"/> (an absolute URL).</summary>
    public static string Of(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("The endpoint must be an absolute URL.", nameof(endpoint));
        }

        var path = endpoint.AbsolutePath.TrimEnd('/');
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{endpoint.Scheme.ToLowerInvariant()}://{endpoint.Host.ToLowerInvariant()}:{endpoint.Port}{path}");
    }
}
