using Parley.TestServer;
using Parley.TestServer.Gguf;

// `Parley.TestServer write-gguf PATH [CONTEXT]` writes a tiny GGUF model (README examples, benchmarks) and exits.
if (args is ["write-gguf", var path, ..])
{
    var context = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 256;
    Console.WriteLine(TinyGguf.Write(path, new TinyGgufOptions { ContextLength = context }));
    return 0;
}

return await StandaloneHost.RunAsync(args);
