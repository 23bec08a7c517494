using System.Text.Json;
using System.Text.RegularExpressions;

namespace Parley.Cli.Tests;

/// <summary><c>parley keys create | list | revoke</c>, run as a process on the database under PARLEY_HOME.</summary>
public class KeysCommandTests
{
    [Fact]
    public async Task KeysCreate_PrintsOnlyTheKeyOnStdout_StoresOnlyItsHash()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync("", "keys", "create", "alice", "--daily-usd", "5", "--models", "gpt-4o-mini,gpt-4o", "--rpm", "60");

        Assert.Equal(0, r.ExitCode);
        Assert.Matches(new Regex("^pk-[A-Za-z0-9_-]{43}\n$"), r.Stdout);
        string secret = r.Stdout.TrimEnd('\n');
        Assert.Contains("created key 'alice' ($5.00 per UTC day, models gpt-4o-mini, gpt-4o, 60 requests/min)", r.Stderr);
        Assert.DoesNotContain(secret, r.Stderr);
        await using var store = await ParleyDatabase.OpenAsync(parley);
        var key = await store.FindKeyAsync(secret);
        Assert.Equal("alice", key?.Name);
        Assert.Equal(5m, key?.Limits.DailyUsd);
        Assert.Equal(["gpt-4o-mini", "gpt-4o"], key?.Limits.Models);
    }

    [Fact]
    public async Task KeysCreate_TwoKeys_DifferentSecrets()
    {
        using var parley = new ParleyProcess();

        var first = await parley.RunAsync("", "keys", "create", "alice");
        var second = await parley.RunAsync("", "keys", "create", "bob");

        Assert.NotEqual(first.Stdout, second.Stdout);
    }

    [Fact]
    public async Task KeysCreate_DuplicateName_Exit2WithAClearError()
    {
        using var parley = new ParleyProcess();
        await parley.RunAsync("", "keys", "create", "alice");

        var r = await parley.RunAsync("", "keys", "create", "alice", "--daily-usd", "1");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("a key named 'alice' exists already", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("--rpm=0")]
    [InlineData("--daily-usd=-1")]
    [InlineData("--models=,")]
    public async Task KeysCreate_BadInput_Exit2(string bad)
    {
        using var parley = new ParleyProcess();

        var r = bad.StartsWith("--", StringComparison.Ordinal)
            ? await parley.RunAsync("", "keys", "create", "alice", bad)
            : await parley.RunAsync("", "keys", "create", bad);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.StartsWith("error:", r.Stderr.TrimStart());
    }

    [Fact]
    public async Task KeysList_Json_LimitsSpendAndRevokedNeverTheKey()
    {
        using var parley = new ParleyProcess();
        string secret = (await parley.RunAsync("", "keys", "create", "alice", "--daily-usd", "5", "--monthly-usd", "50", "--tpm", "1000")).Stdout.TrimEnd('\n');
        await parley.RunAsync("", "keys", "create", "bob");
        await using (var store = await ParleyDatabase.OpenAsync(parley))
        {
            var key = await store.FindKeyAsync(secret);
            await store.SettleAsync(await store.ReserveAsync(key!.Id, 0.5m), 0.125m);
        }

        await parley.RunAsync("", "keys", "revoke", "bob");
        var r = await parley.RunAsync("", "keys", "list", "--json");

        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain(secret, r.Stdout);
        using var doc = JsonDocument.Parse(r.Stdout);
        var keys = doc.RootElement.EnumerateArray().ToArray();
        Assert.Equal(["alice", "bob"], keys.Select(k => k.GetProperty("name").GetString()));
        Assert.Equal(5m, keys[0].GetProperty("daily_usd").GetDecimal());
        Assert.Equal(50m, keys[0].GetProperty("monthly_usd").GetDecimal());
        Assert.Equal(1000, keys[0].GetProperty("tpm").GetInt32());
        Assert.Equal(JsonValueKind.Null, keys[0].GetProperty("rpm").ValueKind);
        Assert.Equal(0.125m, keys[0].GetProperty("spent_today_usd").GetDecimal());
        Assert.Equal(0.125m, keys[0].GetProperty("spent_this_month_usd").GetDecimal());
        Assert.Equal(JsonValueKind.Null, keys[0].GetProperty("revoked_at").ValueKind);
        Assert.Equal(JsonValueKind.String, keys[1].GetProperty("revoked_at").ValueKind);
    }

    [Fact]
    public async Task KeysList_Piped_TabSeparatedLinePerKey()
    {
        using var parley = new ParleyProcess();
        await parley.RunAsync("", "keys", "create", "alice", "--daily-usd", "5", "--models", "gpt-4o-mini,gpt-4o", "--rpm", "60");
        await parley.RunAsync("", "keys", "create", "bob");
        await parley.RunAsync("", "keys", "revoke", "bob");

        var r = await parley.RunAsync("", "keys", "list");

        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Equal(["alice", "5", "-", "gpt-4o-mini,gpt-4o", "60", "-", "0", "0"], lines[0][..8]);
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d$"), lines[0][8]);
        Assert.Equal("-", lines[0][9]);
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d$"), lines[1][9]);
    }

    [Fact]
    public async Task KeysRevoke_Known_KeyNoLongerValid_UnknownExit2()
    {
        using var parley = new ParleyProcess();
        string secret = (await parley.RunAsync("", "keys", "create", "alice")).Stdout.TrimEnd('\n');

        var revoked = await parley.RunAsync("", "keys", "revoke", "alice");
        var unknown = await parley.RunAsync("", "keys", "revoke", "carol");

        Assert.Equal(0, revoked.ExitCode);
        Assert.Contains("revoked key 'alice'", revoked.Stderr);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no key is named 'carol'", unknown.Stderr);
        await using var store = await ParleyDatabase.OpenAsync(parley);
        Assert.NotNull((await store.FindKeyAsync(secret))?.RevokedAt);
    }

    [Theory]
    [InlineData("last:4")]
    [InlineData("summarize")]
    public async Task KeysCreate_WithContextPolicy_ListShowsIt(string policy)
    {
        using var parley = new ParleyProcess();

        var created = await parley.RunAsync("", "keys", "create", "alice", "--context", policy);
        var r = await parley.RunAsync("", "keys", "list", "--json");

        Assert.Equal(0, created.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(policy, doc.RootElement[0].GetProperty("context_policy").GetString());
    }

    [Theory]
    [InlineData("everything")]
    [InlineData("last:0")]
    public async Task KeysCreate_InvalidContextPolicy_OneLineErrorExit2(string policy)
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync("", "keys", "create", "alice", "--context", policy);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--context must be budget, last:N (N a positive number of messages) or summarize", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stdout);
    }

}
