using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Parley.Mcp;

/// <summary>
/// An MCP tool as the model sees it: the server's tool, possibly under another name (<c>server__tool</c> when two
/// servers offer the same name), whose result is returned as text — the text blocks joined, other blocks as their JSON —
/// so the result is counted and serialized without reflection. A result the server marks as an error starts with
/// "error: ".
/// </summary>
internal sealed class McpToolFunction : DelegatingAIFunction
{
    private readonly string? _name;

    public McpToolFunction(McpClientTool tool, string? name = null)
        : base(tool)
    {
        Tool = tool;
        _name = name;
    }

    /// <summary>The server's own tool.</summary>
    public McpClientTool Tool { get; }

    /// <inheritdoc/>
    public override string Name => _name ?? base.Name;

    /// <summary>The same tool under <paramref name="name"/>.</summary>
    public McpToolFunction WithName(string name) => new(Tool, name);

    /// <inheritdoc/>
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var result = await Tool.CallAsync(arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ToText(result);
    }

    internal static string ToText(CallToolResult result)
    {
        var text = new StringBuilder();
        foreach (var block in result.Content)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(block is TextContentBlock t ? t.Text : JsonSerializer.Serialize(block, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ContentBlock))));
        }

        if (text.Length == 0 && result.StructuredContent is { } structured)
        {
            text.Append(structured.GetRawText());
        }

        return result.IsError == true ? $"error: {text}" : text.ToString();
    }
}
