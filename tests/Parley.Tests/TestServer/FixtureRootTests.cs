namespace Parley.Tests.TestServer;

public sealed class FixtureRootTests
{
    [Fact]
    public void SkipReasonFor_FixturesFound_Null()
    {
        Assert.Null(FixtureRoot.SkipReasonFor("/srv/shared/fixtures", null, "1", "/repo"));
    }

    [Fact]
    public void SkipReasonFor_NothingBesideTheClone_NamesWhereItLookedAndTheVariable()
    {
        var reason = FixtureRoot.SkipReasonFor(null, null, null, "/tmp/clone");

        Assert.Equal("no shared/fixtures folder above /tmp/clone (set PARLEY_FIXTURES to the recorded traffic)", reason);
    }

    [Fact]
    public void SkipReasonFor_VariableNamesMissingFolder_SaysSo()
    {
        Assert.Equal("PARLEY_FIXTURES=/nowhere does not exist", FixtureRoot.SkipReasonFor(null, "/nowhere", "0", "/repo"));
    }

    [Fact]
    public void SkipReasonFor_MissingAndRequired_ThrowsSoTheTestFails()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FixtureRoot.SkipReasonFor(null, "/nowhere", "1", "/repo"));

        Assert.Equal("PARLEY_FIXTURES=/nowhere does not exist, and PARLEY_REQUIRE_FIXTURES=1 requires the fixtures", error.Message);
    }
}
