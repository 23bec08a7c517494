using System.Text;

namespace Parley.Benchmarks;

/// <summary>The results of one benchmark: a Markdown section, flat metrics for the smoke test, and target checks.</summary>
internal interface IBenchmarkSection
{
    void WriteMarkdown(StringBuilder markdown);

    /// <summary>Adds <c>benchmark/peer/metric</c> numbers (null when a peer produced none).</summary>
    void AddMetrics(IDictionary<string, double?> metrics);

    IEnumerable<TargetCheck> Targets { get; }
}
