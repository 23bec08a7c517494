using Microsoft.Extensions.Hosting;

namespace Parley.TestServer;

/// <summary>A host lifetime that neither listens for Ctrl+C/SIGTERM nor prints "Application started": the owner stops the server.</summary>
internal sealed class QuietHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
