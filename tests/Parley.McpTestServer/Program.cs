// A small MCP server for Parley's tests: `--stdio` (default) serves on standard input and output; `--http` listens on
// 127.0.0.1 (a free port, or --port N) and prints its MCP URL as the first stdout line, then serves until stdin closes
// or it is stopped; `--crash` writes an error line on stderr and exits 3 before answering (a server that fails to
// start). Tools: add, get_weather (WEATHER_UNIT from the environment), fail.
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.McpTestServer;

if (args.Contains("--crash"))
{
    await Console.Error.WriteLineAsync("boom: cannot open the weather database");
    return 3;
}

if (args.Contains("--http"))
{
    var port = Array.IndexOf(args, "--port") is var at and >= 0 ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 0;
    var web = WebApplication.CreateSlimBuilder();
    web.Logging.ClearProviders();
    web.WebHost.UseUrls($"http://127.0.0.1:{port}");
    web.Services.AddMcpServer().WithHttpTransport().WithTools<TestTools>();
    var app = web.Build();
    app.MapMcp("/mcp");
    await app.StartAsync();
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    Console.WriteLine($"{address.TrimEnd('/')}/mcp");
    Console.Out.Flush();
    // Serve until the parent closes stdin (the test ends, so no server outlives its test) or a signal stops it.
    var stopped = app.WaitForShutdownAsync();
    await (Console.IsInputRedirected ? Task.WhenAny(Task.Run(() => Console.In.ReadToEnd()), stopped) : stopped);

    await app.StopAsync();
    return 0;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.AddMcpServer().WithStdioServerTransport().WithTools<TestTools>();
await builder.Build().RunAsync();
return 0;
