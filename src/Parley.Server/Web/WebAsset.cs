namespace Parley.Server;

/// <summary>One file of the web chat, read once from the assembly's embedded resources.</summary>
internal sealed class WebAsset
{
    private WebAsset(ReadOnlyMemory<byte> content, string contentType)
    {
        Content = content;
        ContentType = contentType;
    }

    /// <summary>The file's bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>The Content-Type it is served with.</summary>
    public string ContentType { get; }

    /// <summary>Reads the embedded resource <paramref name="resourceName"/> (a build without it is a packaging bug).</summary>
    public static WebAsset Load(string resourceName, string contentType)
    {
        using var stream = typeof(WebAsset).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"the web chat's file {resourceName} is not embedded in {typeof(WebAsset).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new WebAsset(copy.ToArray(), contentType);
    }
}
