namespace Parley.Server.Tests;

public sealed class ServerAssemblyTests
{
    [Fact]
    public void Assembly_Loads_WithItsName() =>
        Assert.Equal("Parley.Server", typeof(IRequestGate).Assembly.GetName().Name);
}
