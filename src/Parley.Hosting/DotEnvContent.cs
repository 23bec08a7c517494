namespace Parley.Hosting;

/// <summary>What a <c>.env</c> file set, and the lines of the statements that could not be parsed (skipped).</summary>
internal sealed record DotEnvContent(IReadOnlyDictionary<string, string> Values, IReadOnlyList<int> UnparsedLines);
