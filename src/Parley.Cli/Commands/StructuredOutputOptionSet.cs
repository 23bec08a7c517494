using System.CommandLine;
using Microsoft.Extensions.AI;
using Parley.Hosting;

namespace Parley.Cli;

/// <summary>The flags that ask for a JSON answer: <c>--schema FILE|JSON</c> and <c>--json-object</c>.</summary>
internal sealed class StructuredOutputOptionSet
{
    public Option<string?> Schema { get; } = new("--schema")
    {
        Description = "Answer as JSON matching this JSON schema (a file, or the schema itself); the answer is validated, an invalid one exits 1",
        HelpName = "FILE|JSON",
    };

    public Option<bool> JsonObject { get; } = new("--json-object")
    {
        Description = "Answer as a JSON object (any shape); an answer that is not one exits 1",
    };

    public void AddTo(Command command)
    {
        command.Add(Schema);
        command.Add(JsonObject);
    }

    /// <summary>The response format asked for, or null; an unreadable or invalid schema is a usage error (nothing is sent).</summary>
    public ChatResponseFormat? Read(ParseResult result, string workingDirectory)
    {
        var schema = result.GetValue(Schema);
        var jsonObject = result.GetValue(JsonObject);
        if (schema is not null && jsonObject)
        {
            throw new CliUsageException("--schema and --json-object cannot be used together (a schema already asks for JSON)");
        }

        if (jsonObject)
        {
            return ChatResponseFormat.Json;
        }

        if (schema is null)
        {
            return null;
        }

        var text = LooksInline(schema) ? schema : ReadFile(schema, workingDirectory);
        try
        {
            return StructuredOutput.ForSchema(text);
        }
        catch (FormatException e)
        {
            throw new CliUsageException($"--schema: {e.Message}");
        }
    }

    /// <summary>
    /// Sets <paramref name="format"/> on <paramref name="options"/>; a schema is sent strict (Microsoft.Extensions.AI's
    /// OpenAI client reads <c>strict</c> from the options' additional properties), so the server holds the model to it.
    /// </summary>
    public static void Apply(ChatOptions options, ChatResponseFormat? format)
    {
        options.ResponseFormat = format;
        if (format is ChatResponseFormatJson { Schema: not null })
        {
            options.AdditionalProperties ??= [];
            options.AdditionalProperties[StrictKey] = true;
        }
    }

    private const string StrictKey = "strict";

    private static bool LooksInline(string value)
    {
        var trimmed = value.TrimStart();
        return trimmed.StartsWith('{') || trimmed.StartsWith('[');
    }

    private static string ReadFile(string path, string workingDirectory)
    {
        var full = Path.GetFullPath(path, workingDirectory);
        try
        {
            return File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
            throw new CliUsageException($"--schema: cannot read '{path}': {reason} (give a JSON schema file or the schema itself, e.g. '{{\"type\":\"object\",…}}')");
        }
    }
}
