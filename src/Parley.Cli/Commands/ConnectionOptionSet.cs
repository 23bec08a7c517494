using System.CommandLine;

namespace Parley.Cli;

/// <summary>The flags that choose where requests go: <c>-m</c>, <c>--provider</c>, <c>--base-url</c>, <c>--api-key</c>.</summary>
internal sealed class ConnectionOptionSet
{
    public Option<string?> Model { get; } = new("--model", "-m")
    {
        Description = "Model id, or provider:model (e.g. gpt-4o-mini, ollama:llama3.2)",
        HelpName = "MODEL",
    };

    public Option<string?> Provider { get; } = new("--provider")
    {
        Description = "Provider name from the config file (built in: openai, ollama)",
        HelpName = "NAME",
    };

    public Option<string?> BaseUrl { get; } = new("--base-url")
    {
        Description = "API base URL (overrides OPENAI_BASE_URL and the config)",
        HelpName = "URL",
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "API key (prefer OPENAI_API_KEY or a .env file: flags end up in shell history)",
        HelpName = "KEY",
    };

    public void AddTo(Command command)
    {
        command.Add(Model);
        command.Add(Provider);
        command.Add(BaseUrl);
        command.Add(ApiKey);
    }

    public ConnectionOverrides Read(ParseResult result) => new()
    {
        Model = result.GetValue(Model),
        Provider = result.GetValue(Provider),
        BaseUrl = result.GetValue(BaseUrl),
        ApiKey = result.GetValue(ApiKey),
    };
}
