using System.Buffers.Binary;

namespace Parley;

/// <summary>
/// The image formats the vision APIs take — PNG, JPEG, GIF and WebP — told apart by their first bytes (never by a file
/// name), and their pixel size read from the header, without decoding the image.
/// </summary>
internal static class ImageFormat
{
    /// <summary>The media type of the image in <paramref name="data"/> (<c>image/png</c>, …), or null when it is none of the four.</summary>
    public static string? MediaTypeOf(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        return data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg" : null;
    }

    /// <summary>Reads the pixel size from a PNG, GIF, JPEG or WebP header.</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;

        // PNG: signature, IHDR length and type, then big-endian width and height.
        if (data.Length >= 24 && data[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            width = BinaryPrimitives.ReadInt32BigEndian(data[16..]);
            height = BinaryPrimitives.ReadInt32BigEndian(data[20..]);
            return width > 0 && height > 0;
        }

        // GIF: "GIF87a"/"GIF89a", then little-endian 16-bit width and height.
        if (data.Length >= 10 && data[0] == 'G' && data[1] == 'I' && data[2] == 'F')
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
            return width > 0 && height > 0;
        }

        // WebP: RIFF....WEBP then a VP8, VP8L or VP8X chunk.
        if (data.Length >= 30 && data[..4].SequenceEqual("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            ReadOnlySpan<byte> chunk = data[12..16];
            if (chunk.SequenceEqual("VP8 "u8))
            {
                width = BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF;
                height = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF;
            }
            else if (chunk.SequenceEqual("VP8L"u8))
            {
                uint bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
                width = (int)(bits & 0x3FFF) + 1;
                height = (int)((bits >> 14) & 0x3FFF) + 1;
            }
            else if (chunk.SequenceEqual("VP8X"u8))
            {
                width = 1 + (data[24] | (data[25] << 8) | (data[26] << 16));
                height = 1 + (data[27] | (data[28] << 8) | (data[29] << 16));
            }

            return width > 0 && height > 0;
        }

        // JPEG: walk the markers to the first start-of-frame.
        if (data.Length >= 4 && data[0] == 0xFF && data[1] == 0xD8)
        {
            int i = 2;
            while (i + 9 < data.Length)
            {
                if (data[i] != 0xFF)
                {
                    i++;
                    continue;
                }

                byte marker = data[i + 1];
                if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7) or 0xFF)
                {
                    i += marker == 0xFF ? 1 : 2;
                    continue;
                }

                int length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
                bool startOfFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
                if (startOfFrame)
                {
                    height = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]);
                    width = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]);
                    return width > 0 && height > 0;
                }

                i += 2 + length;
            }
        }

        return false;
    }
}
