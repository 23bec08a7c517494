namespace Parley.Hosting;

/// <summary>A provider that needs a key has none. No request has been sent.</summary>
public sealed class MissingApiKeyException : ParleyException
{
    /// <summary>Creates the error for a provider and the variable that should hold its key.</summary>
    public MissingApiKeyException(string providerName, string keyVariable, string configFile)
        : base(BuildMessage(providerName, keyVariable, configFile))
    {
        ProviderName = providerName;
        KeyVariable = keyVariable;
    }

    /// <summary>The provider that needs the key.</summary>
    public string ProviderName { get; }

    /// <summary>The environment variable that is read for the key.</summary>
    public string KeyVariable { get; }

    private static string BuildMessage(string provider, string variable, string configFile) =>
        $"no API key for provider '{provider}': set {variable} in the environment or in a .env file in this folder, "
        + $"or add \"api_key_env\" for the provider in {configFile} (or pass --api-key).";
}
