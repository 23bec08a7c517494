using Npgsql;

namespace Parley.Postgres.Tests;

public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void Parse_UrlWithEncodedUserPasswordPortAndSslMode_ConnectionString()
    {
        var parsed = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse("postgres://app%40corp:p%40ss%3Aw%2Frd@db.example.com:6543/parley?sslmode=require"));

        Assert.Equal(("app@corp", "p@ss:w/rd", "db.example.com", 6543, "parley", SslMode.Require), (parsed.Username, parsed.Password, parsed.Host, parsed.Port, parsed.Database, parsed.SslMode));
    }

    [Fact]
    public void Parse_PostgresqlSchemeWithoutPort_DefaultPort()
    {
        var parsed = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse("postgresql://u:p@localhost/db?sslmode=verify-full"));

        Assert.Equal((5432, "db", SslMode.VerifyFull), (parsed.Port, parsed.Database, parsed.SslMode));
    }

    [Fact]
    public void Parse_NpgsqlConnectionString_KeptAsIs()
    {
        var parsed = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse("Host=db;Port=5433;Database=parley;Username=u;Password=secret"));

        Assert.Equal(("db", 5433, "parley", "secret"), (parsed.Host, parsed.Port, parsed.Database, parsed.Password));
    }

    [Theory]
    [InlineData("postgres://u:hunter2@/db")]
    [InlineData("postgres://u:hunter2@host")]
    [InlineData("postgres://u:hunter2@host/db?sslmode=sometimes")]
    [InlineData("postgres://u:hunter2@host/db?pool=1")]
    [InlineData("mysql://u:hunter2@host/db")]
    [InlineData("Database=parley;Password=hunter2")]
    public void Parse_Malformed_FormatExceptionWithoutThePassword(string value)
    {
        var error = Assert.Throws<FormatException>(() => PostgresConnectionString.Parse(value));

        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void Describe_ConnectionString_UserHostPortDatabaseWithoutPassword()
    {
        string described = PostgresConnectionString.Describe(PostgresConnectionString.Parse("postgres://u:hunter2@db:6543/parley"));

        Assert.Equal("u@db:6543/parley", described);
    }

    [Theory]
    [InlineData("postgres://u:hunter2@db/parley", "postgres://u:***@db/parley")]
    [InlineData("postgres://u@db/parley", "postgres://u@db/parley")]
    public void Mask_Url_HidesOnlyThePassword(string url, string expected) =>
        Assert.Equal(expected, PostgresConnectionString.Mask(url));

    [Fact]
    public void WithFailFastDefaults_NothingSet_ShortTimeoutsAndAPoolFor64ConcurrentRequests()
    {
        var built = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithFailFastDefaults(PostgresConnectionString.Parse("postgres://u:p@db/parley")));

        Assert.Equal((5, 15, 100), (built.Timeout, built.CommandTimeout, built.MaxPoolSize));
    }

    [Fact]
    public void WithFailFastDefaults_SetByTheUser_KeptAsGiven()
    {
        var built = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithFailFastDefaults("Host=db;Timeout=30;Command Timeout=60;Maximum Pool Size=20"));

        Assert.Equal((30, 60, 20), (built.Timeout, built.CommandTimeout, built.MaxPoolSize));
    }
}
