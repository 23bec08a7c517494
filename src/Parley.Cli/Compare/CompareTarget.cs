using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>A model ready to be measured: its description and its client pipeline; or why it cannot be.</summary>
internal sealed record CompareTarget(ComparedModel Model, IChatClient? Client, string? SetupError = null);
