using System.Text.Json.Serialization;

namespace Parley.Cli;

/// <summary>Source-generated JSON for the tool prompts (NativeAOT-safe).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class ToolJsonContext : JsonSerializerContext;
