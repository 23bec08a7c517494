using System.Text.Json.Serialization;

namespace Parley.Benchmarks;

/// <summary>The JSON the harness and its child processes exchange (source-generated, camelCase).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(MeasuredUsage))]
[JsonSerializable(typeof(StreamPeerResult))]
[JsonSerializable(typeof(TokenPeerLine))]
[JsonSerializable(typeof(BookkeepingResult))]
[JsonSerializable(typeof(SortedDictionary<string, double?>))]
internal sealed partial class BenchJson : JsonSerializerContext;
