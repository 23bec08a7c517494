using System.Security.Cryptography;
using System.Text;

namespace Parley;

/// <summary>
/// The stored form of a virtual key: its SHA-256 in lowercase hex. Keys are 256-bit random secrets, so an unsalted fast
/// hash is enough (no dictionary to guess from) and lets a key be found by its hash.
/// </summary>
internal static class ApiKeyHash
{
    public static string Of(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
    }
}
