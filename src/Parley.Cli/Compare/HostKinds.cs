using System.Net;
using System.Net.Sockets;

namespace Parley.Cli;

/// <summary>Classifies a base URL's host.</summary>
internal static class HostKinds
{
    public static HostKind Of(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.IsLoopback)
        {
            return HostKind.Loopback;
        }

        var host = url.IdnHost;
        if (IPAddress.TryParse(host, out var address))
        {
            return IsPrivate(address) ? HostKind.Network : HostKind.Public;
        }

        return !host.Contains('.', StringComparison.Ordinal) || host.EndsWith(".local", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".lan", StringComparison.OrdinalIgnoreCase)
            ? HostKind.Network
            : HostKind.Public;
    }

    private static bool IsPrivate(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254);
    }
}
