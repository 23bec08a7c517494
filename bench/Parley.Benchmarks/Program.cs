using System.Globalization;
using Parley.Benchmarks;

// The benchmark harness. `run` orchestrates everything (bench/run.sh calls it); the other commands are the .NET
// peers and helpers it starts as child processes, so every peer is measured the same way: as its own process.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Parley.Benchmarks run|measure|stream-peer|tokens-peer|tokens-runs|bookkeeping|gateway-client|gateway-turn …  (start it with bash bench/run.sh)");
    return 2;
}

string[] rest = args[1..];
return args[0] switch
{
    "run" => await BenchmarkRunner.RunAsync(BenchSettings.Parse(rest)),
    "measure" => await MeasureCommand.RunAsync(rest),
    "stream-peer" => await StreamPeerCommand.RunAsync(rest),
    "tokens-peer" => TokenPeerCommand.Run(rest),
    "tokens-runs" => TokenRunsCommand.Run(rest),
    "bookkeeping" => await BookkeepingCommand.RunAsync(rest),
    "gateway-client" => await GatewayClientCommand.RunAsync(rest),
    "gateway-turn" => await GatewayTurnCommand.RunAsync(rest),
    _ => Usage(args[0]),
};

static int Usage(string command)
{
    Console.Error.WriteLine($"unknown command '{command}'");
    return 2;
}
