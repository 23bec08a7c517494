using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Hosting;

/// <summary>
/// Source-generated (trim- and NativeAOT-safe) JSON metadata for <c>config.json</c>: comments and trailing commas
/// are allowed, property names are the files' own snake_case names (<see cref="JsonPropertyNameAttribute"/>).
/// </summary>
[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(ParleyConfig))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
