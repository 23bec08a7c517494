using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>
/// Reads what <c>-a/--attach</c> and <c>/attach</c> name. The kind comes from the content, never from the file name:
/// PNG, JPEG, WebP and GIF images become image parts; a PDF becomes its text (or a file part when the model takes files,
/// the catalog's <c>file_input</c>); UTF-8 text becomes a text part headed by the file name. An <c>http(s)</c> URL is an
/// image URL, sent as is. Anything else — missing, unreadable, too large, another format — is a usage error, before
/// anything is sent.
/// </summary>
internal static class AttachmentReader
{
    /// <summary>The largest image or PDF file: OpenAI takes images up to 20 MB.</summary>
    public const long MaxFileBytes = 20 * 1024 * 1024;

    /// <summary>The most text one attachment may add (a text file, or a PDF's extracted text), in UTF-8 bytes.</summary>
    public const int MaxTextBytes = 1024 * 1024;

    /// <summary>The <see cref="AIContent.AdditionalProperties"/> key the history reads a large attachment's file path from.</summary>
    private const string PathProperty = "path";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads every source, in order; the first that cannot be attached stops with its reason.</summary>
    public static async Task<IReadOnlyList<Attachment>> ReadAllAsync(IEnumerable<string> sources, ModelInfo? model, CancellationToken cancellationToken)
    {
        var attachments = new List<Attachment>();
        foreach (var source in sources)
        {
            attachments.Add(await ReadAsync(source, model, cancellationToken).ConfigureAwait(false));
        }

        return attachments;
    }

    /// <summary>Reads one file or image URL for <paramref name="model"/> (its catalog entry decides how a PDF goes).</summary>
    /// <exception cref="CliUsageException">The source cannot be attached; the message says why.</exception>
    public static async Task<Attachment> ReadAsync(string source, ModelInfo? model, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            throw new CliUsageException("--attach needs a file or an image URL");
        }

        if (Uri.TryCreate(source, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return new Attachment(source, new UriContent(url, ImageUrlMediaType(url)), $"{source} (image URL)");
        }

        var bytes = await ReadFileAsync(source, cancellationToken).ConfigureAwait(false);
        var name = Path.GetFileName(source);
        if (ImageFormat.MediaTypeOf(bytes) is { } mediaType)
        {
            var format = mediaType["image/".Length..].ToUpperInvariant();
            if (!ImageFormat.TryReadSize(bytes, out var width, out var height))
            {
                throw Refused(source, $"it starts like a {format} image but its size cannot be read (a damaged file?)");
            }

            return new Attachment(source, FileData(source, name, bytes, mediaType), $"{name} ({format} image, {width}×{height})");
        }

        if (bytes.AsSpan().StartsWith("%PDF-"u8))
        {
            return ReadPdf(source, name, bytes, model, cancellationToken);
        }

        if (bytes.AsSpan().IndexOf((byte)0) < 0 && TryDecode(bytes) is { } text)
        {
            CheckTextSize(source, text, "it has");
            return new Attachment(source, FileText(name, text), $"{name} (text, {Size(bytes.Length)})");
        }

        throw Refused(source, "it is not an image (PNG, JPEG, WebP, GIF), a PDF, or UTF-8 text");
    }

    private static Attachment ReadPdf(string source, string name, byte[] bytes, ModelInfo? model, CancellationToken cancellationToken)
    {
        if (model is { SupportsFileInput: true })
        {
            return new Attachment(source, FileData(source, name, bytes, "application/pdf"), $"{name} (PDF, sent as a file)");
        }

        string text;
        int pages;
        try
        {
            (text, pages) = PdfText.Extract(bytes, cancellationToken);
        }
        catch (FormatException e)
        {
            throw Refused(source, $"it is not a readable PDF: {e.Message.TrimEnd('.')}");
        }

        if (text.Length == 0)
        {
            throw Refused(source, "the PDF has no text to extract (scanned pages?)");
        }

        CheckTextSize(source, text, "its text has");
        return new Attachment(source, FileText(name, text), $"{name} (PDF, text of {Wording.Count(pages, "page")})");
    }

    /// <summary>
    /// A file's bytes as a part, with its absolute path in <see cref="PathProperty"/>: the history keeps an attachment over
    /// its inline limit as a reference and reads it again from there (docs/storage.md). The chat client sends only the bytes.
    /// </summary>
    private static DataContent FileData(string source, string name, byte[] bytes, string mediaType) => new(bytes, mediaType)
    {
        Name = name,
        AdditionalProperties = new AdditionalPropertiesDictionary { [PathProperty] = Path.GetFullPath(source) },
    };

    private static async Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            if (Directory.Exists(path))
            {
                throw Refused(path, "it is a directory");
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw Refused(path, "no such file");
            }

            if (info.Length > MaxFileBytes)
            {
                throw Refused(path, $"it is {Size(info.Length)}; an attachment may be at most {Size(MaxFileBytes)}");
            }

            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            return bytes.Length > 0 ? bytes : throw Refused(path, "the file is empty");
        }
        catch (UnauthorizedAccessException)
        {
            throw Refused(path, "permission denied");
        }
        catch (IOException e)
        {
            throw Refused(path, e.Message);
        }
    }

    private static string? TryDecode(byte[] bytes)
    {
        try
        {
            var text = StrictUtf8.GetString(bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static void CheckTextSize(string source, string text, string what)
    {
        var size = Encoding.UTF8.GetByteCount(text);
        if (size > MaxTextBytes)
        {
            throw Refused(source, string.Create(CultureInfo.InvariantCulture, $"{what} {size:N0} bytes of text; a text attachment may be at most {MaxTextBytes:N0} (1 MB)"));
        }
    }

    // The file's name heads its text, so the model knows where it came from.
    private static TextContent FileText(string name, string text) => new($"File: {name}\n{text}");

    private static string ImageUrlMediaType(Uri url) => Path.GetExtension(url.AbsolutePath).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        _ => "image/*",
    };

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };

    private static CliUsageException Refused(string source, string reason) => new($"cannot attach {source}: {reason} (nothing was sent)");
}
