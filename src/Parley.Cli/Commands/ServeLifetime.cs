using Microsoft.Extensions.Hosting;

namespace Parley.Cli;

/// <summary>
/// The host lifetime of <c>parley serve</c>: the CLI's own signal handling (<see cref="InterruptController"/>) stops
/// the gateway, so the host registers no SIGINT/SIGTERM handlers of its own and prints nothing.
/// </summary>
internal sealed class ServeLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
