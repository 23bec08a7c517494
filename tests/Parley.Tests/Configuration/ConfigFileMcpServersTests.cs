namespace Parley.Tests;

/// <summary><c>mcp_servers</c> in <c>config.json</c>: a stdio command with arguments and environment, or a URL with headers.</summary>
public class ConfigFileMcpServersTests
{
    [Fact]
    public void Parse_McpServers_CommandArgsEnvAndUrlHeaders()
    {
        var config = ConfigFile.Parse("""
            {
              // comments and trailing commas, as everywhere in the file
              "mcp_servers": {
                "files": { "command": "npx", "args": ["-y", "server-filesystem", "/tmp"], "env": { "DEBUG": "1" } },
                "remote": { "url": "https://example.com/mcp", "headers": { "Authorization": "Bearer t" }, },
              },
            }
            """, "config.json");

        var files = config.McpServers!["files"];
        Assert.Equal("npx", files.Command);
        Assert.Equal(["-y", "server-filesystem", "/tmp"], files.Args);
        Assert.Equal("1", files.Env!["DEBUG"]);
        Assert.Null(files.Url);
        var remote = config.McpServers["remote"];
        Assert.Equal("https://example.com/mcp", remote.Url);
        Assert.Equal("Bearer t", remote.Headers!["Authorization"]);
    }
}
