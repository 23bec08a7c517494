using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace Parley.Cli;

/// <summary>The text of a PDF, page after page in reading order (PdfPig: managed code, no native library).</summary>
internal static class PdfText
{
    /// <summary>Extracts the text; the number of pages comes with it.</summary>
    /// <exception cref="FormatException">The bytes are not a PDF PdfPig can read (damaged, encrypted).</exception>
    public static (string Text, int Pages) Extract(byte[] pdf, CancellationToken cancellationToken)
    {
        try
        {
            using var document = PdfDocument.Open(pdf);
            var text = new StringBuilder();
            foreach (var page in document.GetPages())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (text.Length > 0)
                {
                    text.Append("\n\n");
                }

                text.Append(ContentOrderTextExtractor.GetText(page).Trim());
            }

            return (text.ToString().Trim(), document.NumberOfPages);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new FormatException(e.Message, e);
        }
    }
}
