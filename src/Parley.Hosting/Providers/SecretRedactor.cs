using System.Text;

namespace Parley.Hosting;

/// <summary>
/// The secrets Parley knows — every configured provider key, the passwords and key-like query values of base URLs,
/// and whatever a host registers later (a gateway's virtual keys) — and the one function that hides them in text
/// leaving Parley: error messages, saved turns, terminal output and exports. Secrets can be added at any time from
/// any thread; secrets shorter than <see cref="MinimumLength"/> characters are ignored so that common words stay.
/// </summary>
public sealed class SecretRedactor
{
    /// <summary>The shortest secret that is masked (shorter values would mask ordinary words).</summary>
    public const int MinimumLength = 8;

    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    private static readonly string[] SecretQueryWords = ["key", "token", "secret", "password", "passwd", "sig", "auth", "credential"];

    private readonly SecretRedactor? _parent;
    private readonly Lock _gate = new();
    private string[] _secrets = [];

    /// <summary>Creates an empty redactor.</summary>
    public SecretRedactor()
    {
    }

    private SecretRedactor(SecretRedactor parent) => _parent = parent;

    /// <summary>True when no secret is registered (here or in the redactor this one extends).</summary>
    public bool IsEmpty => Volatile.Read(ref _secrets).Length == 0 && (_parent?.IsEmpty ?? true);

    /// <summary>Registers a secret (ignored when null or shorter than <see cref="MinimumLength"/>).</summary>
    public void Add(string? secret)
    {
        if (secret is null || secret.Trim().Length < MinimumLength)
        {
            return;
        }

        AddForms(secret.Trim());
    }

    /// <summary>Registers the secrets inside a URL: the userinfo's password (or a lone user name) and key-like query values.</summary>
    public void AddUrl(Uri? url)
    {
        if (url is null || !url.IsAbsoluteUri)
        {
            return;
        }

        if (url.UserInfo.Length > 0)
        {
            var colon = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var secret = colon >= 0 ? url.UserInfo[(colon + 1)..] : url.UserInfo;
            Add(secret);
            Add(Uri.UnescapeDataString(secret));
        }

        foreach (var (name, value) in QueryPairs(url))
        {
            if (value is not null && IsSecretName(name))
            {
                Add(value);
                Add(Uri.UnescapeDataString(value.Replace('+', ' ')));
            }
        }
    }

    /// <summary>Registers the secrets inside a URL given as text (ignored when it is not an absolute URL).</summary>
    public void AddUrl(string? url)
    {
        if (!string.IsNullOrWhiteSpace(url) && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var parsed))
        {
            AddUrl(parsed);
        }
    }

    /// <summary>
    /// A redactor that knows this one's secrets (including ones added to it later) plus its own; adding to it leaves
    /// this one unchanged.
    /// </summary>
    public SecretRedactor Extend() => new(this);

    /// <summary>Replaces every registered secret in <paramref name="text"/> with <see cref="Mask"/>.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var secrets = Volatile.Read(ref _secrets);
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return _parent is null ? text : _parent.Redact(text);
    }

    /// <summary>
    /// <paramref name="url"/> as text with its userinfo password and key-like query values replaced by
    /// <see cref="Mask"/> (<c>http://user:***@host/v1?api_key=***</c>), whatever their length.
    /// </summary>
    public static string RedactUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            return url.ToString();
        }

        var text = new StringBuilder(url.Scheme).Append("://");
        if (url.UserInfo.Length > 0)
        {
            var colon = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
            text.Append(colon >= 0 ? url.UserInfo[..colon] + ":" + Mask : Mask).Append('@');
        }

        text.Append(url.Authority).Append(url.AbsolutePath);
        var pairs = QueryPairs(url).ToList();
        for (var i = 0; i < pairs.Count; i++)
        {
            var (name, value) = pairs[i];
            text.Append(i == 0 ? '?' : '&').Append(name);
            if (value is not null)
            {
                text.Append('=').Append(IsSecretName(name) ? Mask : value);
            }
        }

        return text.Append(url.Fragment).ToString();
    }

    /// <summary>The scheme, host and port of <paramref name="url"/> (never its userinfo): <c>http://host:port</c>.</summary>
    public static string Authority(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
    }

    private static bool IsSecretName(string name)
    {
        var lower = Uri.UnescapeDataString(name).ToLowerInvariant();
        return SecretQueryWords.Any(word => lower.Contains(word, StringComparison.Ordinal));
    }

    private static IEnumerable<(string Name, string? Value)> QueryPairs(Uri url)
    {
        var query = url.Query.TrimStart('?');
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            yield return equals < 0 ? (part, null) : (part[..equals], part[(equals + 1)..]);
        }
    }

    private void AddForms(string secret)
    {
        lock (_gate)
        {
            var forms = new[] { secret, Uri.EscapeDataString(secret) }.Where(f => f.Length >= MinimumLength);
            // Longest first, so that a secret containing another is masked whole.
            _secrets = [.. _secrets.Union(forms, StringComparer.Ordinal).OrderByDescending(s => s.Length)];
        }
    }
}
