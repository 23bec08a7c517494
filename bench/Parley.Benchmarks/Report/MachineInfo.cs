using System.Globalization;
using System.Runtime.InteropServices;

namespace Parley.Benchmarks;

/// <summary>What the numbers were measured on.</summary>
internal sealed record MachineInfo(int Cores, string Cpu, double MemoryGiB, string Os, string DotNet, string Node, string LoadAverage)
{
    public static async Task<MachineInfo> ReadAsync()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        var memKb = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]
            : "0";
        var node = await ChildProcess.RunAsync("node", ["--version"]);
        return new MachineInfo(
            Environment.ProcessorCount,
            cpu,
            double.Parse(memKb, CultureInfo.InvariantCulture) / 1024 / 1024,
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            node.Stdout.Trim(),
            ReadLoadAverage());
    }

    public static string ReadLoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
