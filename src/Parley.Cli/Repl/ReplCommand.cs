namespace Parley.Cli;

/// <summary>One slash command of the REPL.</summary>
internal sealed record ReplCommand(string Name, string Arguments, string Help, Func<ReplContext, string, CancellationToken, Task> RunAsync);
