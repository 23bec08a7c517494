using System.Globalization;
using Npgsql;

namespace Parley.Postgres;

/// <summary>
/// Reads where a PostgreSQL database is: a <c>postgres://user:password@host:port/database?sslmode=require</c> URL, as
/// hosts hand them out (user and password URL-encoded), or an Npgsql connection string (<c>Host=…;Database=…</c>).
/// </summary>
public static class PostgresConnectionString
{
    /// <summary>Turns a database URL or a connection string into an Npgsql connection string.</summary>
    /// <param name="value">The URL or connection string.</param>
    /// <returns>The connection string.</returns>
    /// <exception cref="FormatException">The value is not a PostgreSQL URL or connection string; the message never holds the password.</exception>
    public static string Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string trimmed = value.Trim();
        if (trimmed.Contains("://", StringComparison.Ordinal))
        {
            return FromUrl(trimmed);
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(trimmed);
            if (string.IsNullOrEmpty(builder.Host))
            {
                throw new FormatException("the connection string has no Host");
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"not a PostgreSQL connection string: {e.Message}", e);
        }
    }

    /// <summary>Describes a connection string without its password: <c>user@host:port/database</c>.</summary>
    /// <param name="connectionString">An Npgsql connection string (from <see cref="Parse"/>).</param>
    /// <returns>The description.</returns>
    public static string Describe(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        string user = string.IsNullOrEmpty(builder.Username) ? string.Empty : builder.Username + "@";
        return string.Create(CultureInfo.InvariantCulture, $"{user}{builder.Host}:{builder.Port}/{builder.Database}");
    }

    /// <summary>
    /// The connection settings a gateway needs under load and outages, where the connection string sets none: a pool
    /// of 100 (64 concurrent requests per replica and headroom), 5 s to get a connection (an exhausted pool or a
    /// stopped server fails fast) and 15 s per command, so a request never hangs on the database.
    /// </summary>
    internal static string WithFailFastDefaults(string connectionString)
    {
        var given = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string pair in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            given.Add((equals < 0 ? pair : pair[..equals]).Replace(" ", string.Empty, StringComparison.Ordinal).Trim());
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("Timeout"))
        {
            builder.Timeout = 5;
        }

        if (!given.Contains("CommandTimeout"))
        {
            builder.CommandTimeout = 15;
        }

        if (!given.Contains("MaxPoolSize") && !given.Contains("MaximumPoolSize"))
        {
            builder.MaxPoolSize = 100;
        }

        return builder.ConnectionString;
    }

    private static string FromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme is not ("postgres" or "postgresql")))
        {
            throw new FormatException($"not a PostgreSQL URL (expected postgres://user:password@host:port/database): {Mask(url)}");
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"the PostgreSQL URL has no host: {Mask(url)}");
        }

        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw new FormatException($"the PostgreSQL URL names no database (postgres://user:password@host:port/database): {Mask(url)}");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Database = database };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            int colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            string text = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!string.Equals(name, "sslmode", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"the PostgreSQL URL has an option Parley does not know: '{name}' (only sslmode is read)");
            }

            if (!Enum.TryParse<SslMode>(text.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var mode) || !Enum.IsDefined(mode) || text.Length == 0 || char.IsDigit(text[0]))
            {
                throw new FormatException($"sslmode '{text}' is not one of disable, allow, prefer, require, verify-ca, verify-full");
            }

            builder.SslMode = mode;
        }

        return builder.ConnectionString;
    }

    /// <summary>The URL with its password replaced by <c>***</c>, for messages.</summary>
    /// <param name="url">A URL.</param>
    /// <returns>The masked URL.</returns>
    public static string Mask(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        int at = url.LastIndexOf('@');
        if (scheme < 0 || at < scheme)
        {
            return url;
        }

        int colon = url.IndexOf(':', scheme + 3);
        return colon < 0 || colon > at ? url : url[..(colon + 1)] + "***" + url[at..];
    }
}
