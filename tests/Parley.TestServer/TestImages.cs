using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Parley.TestServer;

/// <summary>Small valid images made by the tests themselves (no image library, no binary files in the repository).</summary>
public static class TestImages
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>
    /// A valid PNG of <paramref name="width"/>×<paramref name="height"/> pixels, all black (8-bit RGB); with
    /// <paramref name="padding"/>, a private ancillary chunk of that many seeded random bytes makes the file that much larger
    /// (black pixels compress to almost nothing), as decoders skip such chunks.
    /// </summary>
    public static byte[] Png(int width, int height, int padding = 0)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: RGB
        WriteChunk(output, "IHDR", header);

        // Each row: filter byte 0, then 3 bytes per pixel.
        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + (3 * width)];
            for (var y = 0; y < height; y++)
            {
                zlib.Write(row);
            }
        }

        WriteChunk(output, "IDAT", pixels.ToArray());
        if (padding > 0)
        {
            var filler = new byte[padding];
            new Random(padding).NextBytes(filler);
            WriteChunk(output, "prVt", filler);
        }

        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typeAndData = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typeAndData);
        data.CopyTo(typeAndData, 4);
        output.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        output.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
