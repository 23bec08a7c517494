using System.Globalization;
using Parley.TestServer;
using Parley.TestServer.Gguf;

// `Parley.TestServer write-gguf PATH [CONTEXT [EMBEDDING BLOCKS]]` writes a tiny GGUF model (README examples,
// bench/gguf.sh) and exits.
if (args is ["write-gguf", var path, ..])
{
    int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
    var defaults = new TinyGgufOptions();
    var embedding = Arg(3, defaults.EmbeddingLength);
    Console.WriteLine(TinyGguf.Write(path, new TinyGgufOptions
    {
        ContextLength = Arg(2, defaults.ContextLength),
        EmbeddingLength = embedding,
        FeedForwardLength = embedding * 2,
        BlockCount = Arg(4, defaults.BlockCount),
    }));
    return 0;
}

return await StandaloneHost.RunAsync(args);
