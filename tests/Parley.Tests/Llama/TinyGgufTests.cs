using LLama;
using LLama.Common;
using Parley.TestServer.Gguf;

namespace Parley.Tests.Llama;

public sealed class TinyGgufTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("parley-gguf-").FullName;

    [Fact]
    public void Write_TinyModel_LlamaCppLoadsItWithItsMetadataAndVocabulary()
    {
        var path = TinyGguf.Write(Path.Combine(directory, "tiny.gguf"), new TinyGgufOptions { ContextLength = 512 });

        using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { ContextSize = 128 });

        Assert.Equal(512, weights.ContextSize);
        Assert.Equal(TinyGguf.VocabularySize, weights.Vocab.Count);
        Assert.Equal("llama", weights.Metadata["general.architecture"]);
        var tokens = weights.Tokenize("<|im_start|>hi", add_bos: false, special: true, System.Text.Encoding.UTF8);
        Assert.Equal([256, 'h', 'i'], tokens.Select(t => (int)t));
    }

    [Fact]
    public void Write_SameSeed_SameBytes()
    {
        var first = File.ReadAllBytes(TinyGguf.Write(Path.Combine(directory, "a.gguf")));
        var second = File.ReadAllBytes(TinyGguf.Write(Path.Combine(directory, "b.gguf")));
        var other = File.ReadAllBytes(TinyGguf.Write(Path.Combine(directory, "c.gguf"), new TinyGgufOptions { Seed = 7 }));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
