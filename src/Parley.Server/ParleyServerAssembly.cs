namespace Parley.Server;

/// <summary>Marks the Parley.Server assembly (the gateway behind <c>parley serve</c>).</summary>
internal static class ParleyServerAssembly
{
}
