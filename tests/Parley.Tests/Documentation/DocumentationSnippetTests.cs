using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Parley.Tests.Documentation;

/// <summary>
/// Every <c>```csharp</c> block in README.md and docs/*.md compiles as written. The blocks of one page are one program,
/// in order (a later block uses what an earlier one declared), compiled as top-level statements against the library
/// and its dependencies, with the implicit usings of <c>dotnet new console</c> (System, System.IO, System.Linq,
/// System.Collections.Generic, System.Net.Http, System.Threading, System.Threading.Tasks); every other namespace
/// must be in the page. A block fenced <c>```csharp fragment</c> is left out (keep that rare). Nothing is run.
/// </summary>
public sealed class DocumentationSnippetTests
{
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    public static TheoryData<string> Pages() => new(PagesWithCSharp());

    [Fact]
    public void Pages_ReadmeAndTutorial_HaveCSharpBlocks()
    {
        var pages = PagesWithCSharp();

        Assert.Contains("README.md", pages);
        Assert.Contains(Path.Combine("docs", "tutorial.md"), pages);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Page_EveryCSharpBlock_Compiles(string page)
    {
        var blocks = Blocks(File.ReadAllText(Path.Combine(RepositoryRoot(), page)));
        var program = new StringBuilder();
        foreach (var (line, code) in blocks)
        {
            program.Append("#line ").Append(line).Append(" \"").Append(page).Append("\"\n").Append(code).Append('\n');
        }

        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var compilation = CSharpCompilation.Create(
            "DocumentationSnippets",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, parse), CSharpSyntaxTree.ParseText(program.ToString(), parse, path: page)],
            References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.ToString())
            .ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    private static List<string> PagesWithCSharp()
    {
        var root = RepositoryRoot();
        return new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal))
            .Where(page => Blocks(File.ReadAllText(page)).Count > 0)
            .Select(page => Path.GetRelativePath(root, page))
            .ToList();
    }

    private static List<(int Line, string Code)> Blocks(string markdown)
    {
        var blocks = new List<(int, string)>();
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < lines.Length && !lines[end].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            blocks.Add((start + 1, string.Join('\n', lines[start..end])));
            i = end;
        }

        return blocks;
    }

    private static IEnumerable<MetadataReference> References() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => !path.Contains("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            .Select(path => MetadataReference.CreateFromFile(path));

    private static string RepositoryRoot() =>
        FixtureRoot.RepositoryRoot ?? throw new InvalidOperationException("Parley.sln not found above " + AppContext.BaseDirectory);
}
