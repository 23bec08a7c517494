namespace Parley.Cli;

/// <summary>Where a server is, judged from its URL alone: this machine, the local network, or the internet.</summary>
internal enum HostKind
{
    Loopback,
    Network,
    Public,
}
