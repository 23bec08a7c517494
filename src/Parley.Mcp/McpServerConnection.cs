using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;

namespace Parley.Mcp;

/// <summary>
/// A running connection to one MCP server: the process started for a command (stdio), or a session with a streamable
/// HTTP server. <see cref="Tools"/> are the server's tools as <see cref="AIFunction"/>s under their own names; calling
/// one calls the server, and its result comes back as text. Disposing ends the session (and the process).
/// </summary>
public sealed class McpServerConnection : IAsyncDisposable
{
    private const int StderrLinesKept = 5;
    private readonly McpClient _client;

    private McpServerConnection(string name, McpClient client, IReadOnlyList<AIFunction> tools)
    {
        Name = name;
        _client = client;
        Tools = tools;
    }

    /// <summary>The server's name (its key in <c>mcp_servers</c>, or the name given to a <c>--mcp</c> server).</summary>
    public string Name { get; }

    /// <summary>The server's tools, in the order it lists them, under their own names.</summary>
    public IReadOnlyList<AIFunction> Tools { get; }

    /// <summary>Starts (or reaches) the server, completes the MCP handshake and lists its tools.</summary>
    /// <param name="name">The server's name, used in messages.</param>
    /// <param name="settings">A command (stdio) or a URL (streamable HTTP).</param>
    /// <param name="timeout">How long the start and the handshake may take (null: 30 seconds).</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <exception cref="McpConnectionException">The command could not start, the URL could not be reached, or the server failed the handshake.</exception>
    public static async Task<McpServerConnection> ConnectAsync(
        string name, McpServerSettings settings, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(settings);
        var stderr = new ConcurrentQueue<string>();
        var (transport, what) = CreateTransport(name, settings, stderr);
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        McpClient? client = null;
        try
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(limit);
            client = await McpClient.CreateAsync(
                transport,
                new McpClientOptions
                {
                    ClientInfo = new() { Name = "parley", Version = typeof(McpServerConnection).Assembly.GetName().Version?.ToString(3) ?? "0" },
                    InitializationTimeout = limit,
                },
                cancellationToken: timer.Token).ConfigureAwait(false);
            var listed = await client.ListToolsAsync(cancellationToken: timer.Token).ConfigureAwait(false);
            var tools = listed.Select(tool => (AIFunction)new McpToolFunction(tool)).ToList();
            return new McpServerConnection(name, client, tools);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            var reason = e is OperationCanceledException ? $"no answer within {limit.TotalSeconds:0} s" : OneLine(e);
            var lastError = stderr.LastOrDefault(line => !string.IsNullOrWhiteSpace(line));
            throw new McpConnectionException(
                $"MCP server '{name}' ({what}) failed to start: {reason}{(lastError is null ? string.Empty : $" (its last error line: {lastError.Trim()})")}", e);
        }
    }

    /// <summary>Ends the session with the server and stops its process.</summary>
    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private static (IClientTransport Transport, string What) CreateTransport(string name, McpServerSettings settings, ConcurrentQueue<string> stderr)
    {
        var hasCommand = !string.IsNullOrWhiteSpace(settings.Command);
        var hasUrl = !string.IsNullOrWhiteSpace(settings.Url);
        if (hasCommand == hasUrl)
        {
            throw new McpConnectionException($"MCP server '{name}' needs exactly one of \"command\" and \"url\"");
        }

        if (hasUrl)
        {
            if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new McpConnectionException($"MCP server '{name}': \"{settings.Url}\" is not an http:// or https:// URL");
            }

            var http = new HttpClientTransportOptions
            {
                Name = name,
                Endpoint = url,
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = settings.Headers is null ? null : new Dictionary<string, string>(settings.Headers),
            };
            return (new HttpClientTransport(http), url.GetLeftPart(UriPartial.Path));
        }

        var stdio = new StdioClientTransportOptions
        {
            Name = name,
            Command = settings.Command!,
            Arguments = settings.Args is null ? [] : [.. settings.Args],
            EnvironmentVariables = settings.Env?.ToDictionary(pair => pair.Key, pair => (string?)pair.Value),
            StandardErrorLines = line =>
            {
                stderr.Enqueue(line);
                while (stderr.Count > StderrLinesKept && stderr.TryDequeue(out _))
                {
                }
            },
        };
        return (new StdioClientTransport(stdio), settings.Command!);
    }

    // The outermost message, and the innermost cause when it says more ("Failed to connect transport: No such file or directory").
    private static string OneLine(Exception e)
    {
        var inner = e;
        while (inner.InnerException is { } next)
        {
            inner = next;
        }

        var message = ReferenceEquals(inner, e) || e.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? e.Message
            : $"{e.Message.TrimEnd('.')}: {inner.Message}";
        var newline = message.IndexOfAny(['\r', '\n']);
        return (newline >= 0 ? message[..newline] : message).TrimEnd('.');
    }
}
