using System.CommandLine;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Server;

namespace Parley.Cli;

/// <summary>What <c>parley serve</c> was asked to do.</summary>
internal sealed record ServeRequest(string Host, int Port, bool NoAuth);

/// <summary>
/// <c>parley serve [--host 127.0.0.1] [--port 8080] [--no-auth]</c>: Parley's OpenAI-compatible gateway (Kestrel) in
/// front of the configured providers, until SIGTERM or Ctrl+C, which finish the open requests and the pending history
/// writes before it exits 0.
/// </summary>
internal sealed class ServeCommand
{
    public const string DefaultHost = "127.0.0.1";
    public const int DefaultPort = 8080;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private readonly CliServices _services;

    public ServeCommand(CliServices services) => _services = services;

    public static Command Create(Func<CliServices> services)
    {
        var host = new Option<string>("--host") { Description = "The address to listen on (127.0.0.1: this machine only)", HelpName = "ADDRESS", DefaultValueFactory = _ => DefaultHost };
        var port = new Option<int>("--port") { Description = "The port to listen on", HelpName = "PORT", DefaultValueFactory = _ => DefaultPort };
        OptionValues.Whole(port, 1, 65535, "a port number from 1 to 65535");
        var noAuth = new Option<bool>("--no-auth") { Description = "Serve without virtual keys: anyone who can connect may use it (loopback addresses only)" };
        var command = new Command("serve", "Run an OpenAI-compatible gateway: exact cost, context safety and saved history for any OpenAI client") { host, port, noAuth };
        command.SetAction((parse, ct) => new ServeCommand(services()).RunAsync(new ServeRequest(parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(noAuth)), ct));
        return command;
    }

    public async Task<int> RunAsync(ServeRequest request, CancellationToken cancellationToken)
    {
        var address = ParseHost(request.Host);
        if (request.NoAuth && !IPAddress.IsLoopback(address))
        {
            throw new CliUsageException($"--no-auth serves anyone who can connect: it is only allowed on a loopback address (127.0.0.1 or ::1), not {request.Host}");
        }

        var ui = _services.Interaction;
        var resolver = await _services.CreateResolverAsync(cancellationToken).ConfigureAwait(false);
        var catalog = await _services.LoadCatalogAsync(cancellationToken).ConfigureAwait(false);
        await using var store = await _services.OpenStoreAsync(cancellationToken).ConfigureAwait(false);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter(static (category, level) => level >= LogLevel.Warning);
        builder.Services.AddSingleton<IHostLifetime, ServeLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = DrainTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, request.Port);
        });
        builder.Services.AddParleyGateway(options =>
        {
            options.Providers = resolver;
            options.Catalog = catalog;
            options.ConversationLog = store;
            options.ApiKeys = store as IApiKeyStore;
            options.AllowAnonymous = request.NoAuth;
        });

        await using var app = builder.Build();
        app.MapParleyGateway();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            ui.Error($"cannot listen on {request.Host}:{request.Port}: {e.Message}");
            return ExitCodes.RuntimeError;
        }

        ui.Note($"parley serve: listening on http://{FormatHost(address)}:{request.Port} " + (request.NoAuth
            ? "(--no-auth: no keys are checked)"
            : "(clients send a virtual key as 'Authorization: Bearer KEY'; create one with: parley keys create NAME)"));
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM or Ctrl+C: stop accepting, finish open requests, save pending exchanges.
        }

        ui.Note("parley serve: stopping (finishing open requests)");
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _services.Interrupts.EndedCleanly();
        ui.Note("parley serve: stopped");
        return ExitCodes.Ok;
    }

    private static IPAddress ParseHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address)
            ? address
            : throw new CliUsageException($"--host '{host}' is not an IP address: use 127.0.0.1, ::1, 0.0.0.0 or an address of this machine");
    }

    private static string FormatHost(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
