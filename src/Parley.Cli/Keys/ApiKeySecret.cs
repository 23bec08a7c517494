using System.Security.Cryptography;

namespace Parley.Cli;

/// <summary>A new virtual key: <c>pk-</c> and 32 random bytes in base64url (46 characters of <c>[A-Za-z0-9_-]</c>).</summary>
internal static class ApiKeySecret
{
    public const string Prefix = "pk-";

    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
