using Spectre.Console.Testing;

namespace Parley.Cli.Tests.Rendering;

public sealed class StreamingMarkdownBufferTests
{
    [Fact]
    public void Append_ParagraphWithoutBlankLine_IsNotComplete()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("Hello there.\nStill the same paragraph.\n");

        Assert.Empty(buffer.TakeCompletedBlocks());
        Assert.True(buffer.HasPendingText);
    }

    [Fact]
    public void Append_ParagraphThenBlankLine_CompletesIt()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("Hello there.\nSecond line.\n\nNext");

        Assert.Equal(["Hello there.\nSecond line.\n"], buffer.TakeCompletedBlocks());
        Assert.Equal("Next", buffer.TakeRemainder());
    }

    [Fact]
    public void Append_LineSplitAcrossChunks_IsJoined()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("Hel");
        buffer.Append("lo wor");
        Assert.Empty(buffer.TakeCompletedBlocks());
        buffer.Append("ld\n");
        buffer.Append("\n");

        Assert.Equal(["Hello world\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_BlankLineSplitFromItsNewline_CompletesOnlyWhenTheLineEnds()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("para\n");
        buffer.Append("   ");
        Assert.Empty(buffer.TakeCompletedBlocks());
        buffer.Append("\n");

        Assert.Equal(["para\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_FenceMarkerSplitAcrossChunks_CompletesAtClosingFence()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("``");
        buffer.Append("`python\nprint('a')\n");
        buffer.Append("\n");
        buffer.Append("\nprint('b')\n");
        Assert.Empty(buffer.TakeCompletedBlocks());
        Assert.True(buffer.InFencedCode);
        buffer.Append("``");
        Assert.Empty(buffer.TakeCompletedBlocks());
        buffer.Append("`\nAfter");

        Assert.Equal(["```python\nprint('a')\n\n\nprint('b')\n```\n"], buffer.TakeCompletedBlocks());
        Assert.False(buffer.InFencedCode);
        Assert.Equal("After", buffer.TakeRemainder());
    }

    [Fact]
    public void Append_TextBeforeFenceInSameBlock_CompletesWithTheFence()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("Here is code:\n```sh\nls\n```\n");

        Assert.Equal(["Here is code:\n```sh\nls\n```\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_ShorterFenceInsideLongerFence_DoesNotCloseIt()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("````md\n```js\nx\n```\n\n");
        Assert.Empty(buffer.TakeCompletedBlocks());
        buffer.Append("````\n");

        Assert.Equal(["````md\n```js\nx\n```\n\n````\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_BacktickLineInsideTildeFence_DoesNotCloseIt()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("~~~\n```\n\n");
        Assert.Empty(buffer.TakeCompletedBlocks());
        buffer.Append("~~~\n");

        Assert.Single(buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_ClosingFenceWithTextAfter_DoesNotCloseIt()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("```\n``` not a fence\n\n");

        Assert.Empty(buffer.TakeCompletedBlocks());
        Assert.True(buffer.InFencedCode);
    }

    [Fact]
    public void Append_InlineTripleBackticks_AreNotAFence()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("```inline``` code\n\n");

        Assert.Equal(["```inline``` code\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_FenceInsideListItem_KeepsBlankLinesUntilClosed()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("1. Run:\n   ```sh\n   a\n\n   b\n");
        Assert.Empty(buffer.TakeCompletedBlocks());
        buffer.Append("   ```\n");

        Assert.Equal(["1. Run:\n   ```sh\n   a\n\n   b\n   ```\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_FenceInsideQuote_CompletesAtClosingFence()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("> ```\n> x\n>\n> ```\n");

        Assert.Equal(["> ```\n> x\n>\n> ```\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_TableRowsSplitAcrossChunks_CompleteAtBlankLine()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("| a | b |\n|--");
        buffer.Append("-|---|\n| 1 ");
        buffer.Append("| 2 |\n| 3 | 4");
        Assert.Empty(buffer.TakeCompletedBlocks());
        buffer.Append(" |\n");
        Assert.Empty(buffer.TakeCompletedBlocks());
        buffer.Append("\n");

        Assert.Equal(["| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void TakeRemainder_TableAtEndOfStream_ReturnsWholeTable()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("| a | b |\n|---|---|\n| 1 | 2 |");

        Assert.Empty(buffer.TakeCompletedBlocks());
        Assert.Equal("| a | b |\n|---|---|\n| 1 | 2 |", buffer.TakeRemainder());
    }

    [Fact]
    public void Append_Heading_CompletesAtEndOfItsLine()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("# Title");
        Assert.Empty(buffer.TakeCompletedBlocks());
        buffer.Append("\nBody");

        Assert.Equal(["# Title\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_HeadingAfterParagraph_CompletesBoth()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("para\n## Next\n");

        Assert.Equal(["para\n", "## Next\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_HashtagWithoutSpace_IsNotAHeading()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("#hashtag\n");

        Assert.Empty(buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_ThematicBreakOnItsOwn_CompletesAtOnce()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("---\n");

        Assert.Equal(["---\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_DashesUnderParagraph_StayASetextHeading()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("Title\n---\n\n");

        Assert.Equal(["Title\n---\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_LooseList_StaysOneBlockWhileItemsFollow()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("1. one\n\n2. two\n\n");
        Assert.Empty(buffer.TakeCompletedBlocks());
        buffer.Append("Done.\n");

        Assert.Equal(["1. one\n\n2. two\n"], buffer.TakeCompletedBlocks());
        Assert.Equal("Done.\n", buffer.TakeRemainder());
    }

    [Fact]
    public void Append_ListItemContinuationAfterBlankLine_StaysInTheList()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("- item\n\n  more about the item\n\nAfter\n");

        Assert.Equal(["- item\n\n  more about the item\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_IndentedCodeWithBlankLine_StaysOneBlock()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("    a\n\n    b\n\nText\n");

        Assert.Equal(["    a\n\n    b\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void Append_CrLfLineEndings_AreHandled()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("para\r\n\r\n```\r\nx\r\n\r\n```\r\n");

        Assert.Equal(["para\r\n", "```\r\nx\r\n\r\n```\r\n"], buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void TakeCompletedBlocks_SecondCall_ReturnsNothing()
    {
        var buffer = new StreamingMarkdownBuffer();
        buffer.Append("a\n\n");
        buffer.TakeCompletedBlocks();

        Assert.Empty(buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void TakeRemainder_UnclosedFence_ReturnsItAsItIs()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("```py\nx = 1\n\ny");

        Assert.Equal("```py\nx = 1\n\ny", buffer.TakeRemainder());
    }

    [Fact]
    public void TakeRemainder_LastLineClosesFence_ReturnsClosedBlock()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("```\nx\n```");

        Assert.Empty(buffer.TakeCompletedBlocks());
        Assert.Equal("```\nx\n```", buffer.TakeRemainder());
    }

    [Fact]
    public void TakeRemainder_WithUntakenBlocks_ReturnsThemSeparatedByBlankLines()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("one\n\ntwo\n\n- a\n\nthree");

        Assert.Equal("one\n\ntwo\n\n- a\n\nthree", buffer.TakeRemainder());
        Assert.False(buffer.HasPendingText);
        Assert.Empty(buffer.TakeCompletedBlocks());
    }

    [Fact]
    public void TakeRemainder_OnlyWhitespace_ReturnsEmpty()
    {
        var buffer = new StreamingMarkdownBuffer();

        buffer.Append("\n\n  \n ");

        Assert.Equal(string.Empty, buffer.TakeRemainder());
    }

    [Fact]
    public void Append_Null_ThrowsWithParameterName()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => new StreamingMarkdownBuffer().Append(null!));

        Assert.Equal("chunk", exception.ParamName);
    }

    public static TheoryData<string> Documents => new()
    {
        "# Title\n\nA paragraph with `code`.\nSecond line.\n\n```python\ndef f():\n\n    return 1\n```\nAfter the fence.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- x\n\n- y\n  - z\n\n> quote\n\n---\nEnd",
        "1. Install:\n   ```sh\n   dotnet tool install\n\n   parley --help\n   ```\n2. Run it.\n\n~~~~\n~~~\n~~~~\n    indented\n\n    code\n\nlast line\n",
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Append_AnyChunkSplit_GivesSameBlocksAsOneChunk(string document)
    {
        var expected = Collect(document, [document]);

        for (var split = 1; split < document.Length; split++)
        {
            Assert.Equal(expected, Collect(document, [document[..split], document[split..]]));
        }

        Assert.Equal(expected, Collect(document, document.Select(c => c.ToString()).ToArray()));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Append_WholeDocument_BlocksRenderLikeTheDocument(string document)
    {
        // Cutting into blocks may only add blank lines (a list split at a closed fence), never change what is drawn.
        var renderer = new MarkdownRenderer();
        var whole = new TestConsole().Width(60);
        whole.Write(renderer.RenderDocument(document));
        var pieces = new TestConsole().Width(60);
        var buffer = new StreamingMarkdownBuffer();
        buffer.Append(document);
        foreach (var block in buffer.TakeCompletedBlocks().Append(buffer.TakeRemainder()))
        {
            pieces.Write(renderer.RenderDocument(block));
        }

        Assert.Equal(NonBlankLines(whole.Output), NonBlankLines(pieces.Output));
    }

    private static string[] NonBlankLines(string output) =>
        output.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();

    private static List<string> Collect(string document, string[] chunks)
    {
        var buffer = new StreamingMarkdownBuffer();
        var blocks = new List<string>();
        foreach (var chunk in chunks)
        {
            buffer.Append(chunk);
            blocks.AddRange(buffer.TakeCompletedBlocks());
        }

        blocks.Add("<end>" + buffer.TakeRemainder());
        Assert.NotEmpty(document);
        return blocks;
    }
}
