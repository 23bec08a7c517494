namespace Parley.TestServer;

/// <summary>One tool call of a scripted answer (<see cref="ScriptedResponse.ToolCalls"/>): its id, the function's name and its arguments as JSON text.</summary>
public sealed record ToolCall(string Id, string Name, string Arguments);
