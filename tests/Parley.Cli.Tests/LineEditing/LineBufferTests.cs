namespace Parley.Cli.Tests;

[Trait("Category", "LineEditing")]
public class LineBufferTests
{
    private static KeyOutcome Press(LineBuffer buffer, params object[] keys)
    {
        var outcome = KeyOutcome.Ignored;
        foreach (var key in Keys.Sequence(keys))
        {
            outcome = buffer.Apply(key);
        }

        return outcome;
    }

    private static LineBuffer Typed(string text, int? cursor = null, IReadOnlyList<string>? history = null)
    {
        var buffer = new LineBuffer(history);
        Press(buffer, text);
        if (cursor is { } c)
        {
            Press(buffer, Keys.Home);
            while (buffer.Cursor < c)
            {
                Press(buffer, Keys.Right);
            }
        }

        return buffer;
    }

    // Typing

    [Fact]
    public void Type_AsciiText_TextWithCursorAtEnd()
    {
        var buffer = new LineBuffer();

        var outcome = Press(buffer, "hello");

        Assert.Equal(KeyOutcome.Changed, outcome);
        Assert.Equal("hello", buffer.Text);
        Assert.Equal(5, buffer.Cursor);
    }

    [Fact]
    public void Type_InMiddle_InsertsAtCursor()
    {
        var buffer = Typed("helo", cursor: 2);

        Press(buffer, "l");

        Assert.Equal("hello", buffer.Text);
        Assert.Equal(3, buffer.Cursor);
    }

    [Fact]
    public void Type_CjkAndAccents_KeptAsTyped()
    {
        var buffer = Typed("你好, café, 안녕");

        Assert.Equal("你好, café, 안녕", buffer.Text);
    }

    [Fact]
    public void Type_EmojiAsTwoSurrogateKeys_InsertsOneCharacter()
    {
        var buffer = new LineBuffer();

        var first = buffer.Apply(Keys.Char('\uD83D'));
        var second = buffer.Apply(Keys.Char('\uDE00'));

        Assert.Equal(KeyOutcome.Ignored, first);
        Assert.Equal(KeyOutcome.Changed, second);
        Assert.Equal("😀", buffer.Text);
        Assert.Equal(2, buffer.Cursor);
    }

    [Fact]
    public void Type_LoneLowSurrogate_Ignored()
    {
        var buffer = Typed("a");

        var outcome = buffer.Apply(Keys.Char('\uDE00'));

        Assert.Equal(KeyOutcome.Ignored, outcome);
        Assert.Equal("a", buffer.Text);
    }

    [Fact]
    public void Type_HighSurrogateThenLetter_DropsTheSurrogate()
    {
        var buffer = new LineBuffer();

        Press(buffer, "\uD83Dx");

        Assert.Equal("x", buffer.Text);
    }

    [Fact]
    public void Type_CombiningAccent_JoinsThePreviousLetter()
    {
        var buffer = Typed("e\u0301");

        Press(buffer, Keys.Left);

        Assert.Equal(0, buffer.Cursor);
    }

    [Fact]
    public void Insert_BeforeCombiningMark_CursorAfterTheNewCluster()
    {
        var buffer = new LineBuffer();
        buffer.Insert("\u0301x");
        Press(buffer, Keys.Home);

        buffer.Insert("e");

        Assert.Equal("e\u0301x", buffer.Text);
        Assert.Equal(2, buffer.Cursor);
    }

    [Fact]
    public void Type_Tab_InsertsTab()
    {
        var buffer = Typed("a");

        Press(buffer, Keys.Tab, "b");

        Assert.Equal("a\tb", buffer.Text);
    }

    [Theory]
    [InlineData(ConsoleKey.Escape, '\u001b')]
    [InlineData(ConsoleKey.F1, '\0')]
    [InlineData(ConsoleKey.Insert, '\0')]
    [InlineData(ConsoleKey.PageUp, '\0')]
    public void Type_UnboundKey_IgnoredAndNothingInserted(ConsoleKey key, char keyChar)
    {
        var buffer = Typed("ab");

        var outcome = buffer.Apply(new ConsoleKeyInfo(keyChar, key, false, false, false));

        Assert.Equal(KeyOutcome.Ignored, outcome);
        Assert.Equal("ab", buffer.Text);
    }

    [Fact]
    public void Type_UnboundAltLetter_NotInserted()
    {
        var buffer = Typed("ab");

        var outcome = buffer.Apply(Keys.Alt('x'));

        Assert.Equal(KeyOutcome.Ignored, outcome);
        Assert.Equal("ab", buffer.Text);
    }

    [Fact]
    public void Type_AltGrCharacter_Inserted()
    {
        var buffer = new LineBuffer();

        buffer.Apply(new ConsoleKeyInfo('€', ConsoleKey.E, false, true, true));

        Assert.Equal("€", buffer.Text);
    }

    [Fact]
    public void Insert_String_InsertsAtCursorAndMovesAfterIt()
    {
        var buffer = Typed("ad", cursor: 1);

        Assert.True(buffer.Insert("bc"));

        Assert.Equal("abcd", buffer.Text);
        Assert.Equal(3, buffer.Cursor);
    }

    [Fact]
    public void Insert_Null_ThrowsWithParameterName()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new LineBuffer().Insert((string)null!));

        Assert.Equal("text", e.ParamName);
    }

    // Moving

    [Fact]
    public void Left_MovesOneCharacterBack()
    {
        var buffer = Typed("abc");

        Assert.Equal(KeyOutcome.Changed, Press(buffer, Keys.Left));

        Assert.Equal(2, buffer.Cursor);
    }

    [Fact]
    public void Left_AtStart_Ignored()
    {
        var buffer = Typed("abc", cursor: 0);

        Assert.Equal(KeyOutcome.Ignored, Press(buffer, Keys.Left));
        Assert.Equal(0, buffer.Cursor);
    }

    [Fact]
    public void Left_OverEmoji_MovesOverBothSurrogates()
    {
        var buffer = Typed("a😀");

        Press(buffer, Keys.Left);

        Assert.Equal(1, buffer.Cursor);
    }

    [Fact]
    public void Left_OverZwjEmojiSequence_MovesOverWholeSequence()
    {
        var buffer = new LineBuffer();
        buffer.Insert("a👩‍💻");

        Press(buffer, Keys.Left);

        Assert.Equal(1, buffer.Cursor);
    }

    [Fact]
    public void Right_MovesOneCharacterForward()
    {
        var buffer = Typed("abc", cursor: 0);

        Assert.Equal(KeyOutcome.Changed, Press(buffer, Keys.Right));

        Assert.Equal(1, buffer.Cursor);
    }

    [Fact]
    public void Right_AtEnd_Ignored()
    {
        var buffer = Typed("abc");

        Assert.Equal(KeyOutcome.Ignored, Press(buffer, Keys.Right));
    }

    [Fact]
    public void Right_OverLetterWithCombiningAccent_MovesOverBoth()
    {
        var buffer = Typed("e\u0301x", cursor: 0);

        Press(buffer, Keys.Right);

        Assert.Equal(2, buffer.Cursor);
    }

    [Fact]
    public void CtrlB_MovesLeft_CtrlF_MovesRight()
    {
        var buffer = Typed("abc");

        Press(buffer, Keys.Ctrl('b'), Keys.Ctrl('b'));
        var afterBack = buffer.Cursor;
        Press(buffer, Keys.Ctrl('f'));

        Assert.Equal(1, afterBack);
        Assert.Equal(2, buffer.Cursor);
    }

    [Fact]
    public void Home_MovesToStart()
    {
        var buffer = Typed("abc");

        Assert.Equal(KeyOutcome.Changed, Press(buffer, Keys.Home));
        Assert.Equal(0, buffer.Cursor);
    }

    [Fact]
    public void Home_AtStart_Ignored()
    {
        var buffer = Typed("abc", cursor: 0);

        Assert.Equal(KeyOutcome.Ignored, Press(buffer, Keys.Home));
    }

    [Fact]
    public void CtrlA_MovesToStart()
    {
        var buffer = Typed("abc");

        Press(buffer, Keys.Ctrl('a'));

        Assert.Equal(0, buffer.Cursor);
    }

    [Fact]
    public void End_MovesToEnd()
    {
        var buffer = Typed("abc", cursor: 1);

        Assert.Equal(KeyOutcome.Changed, Press(buffer, Keys.End));
        Assert.Equal(3, buffer.Cursor);
    }

    [Fact]
    public void CtrlE_MovesToEnd()
    {
        var buffer = Typed("abc", cursor: 0);

        Press(buffer, Keys.Ctrl('e'));

        Assert.Equal(3, buffer.Cursor);
    }

    [Fact]
    public void ControlCharacterWithoutKey_ActsAsCtrlLetter()
    {
        var buffer = Typed("abc");

        Press(buffer, Keys.ControlCharacter('a'));

        Assert.Equal(0, buffer.Cursor);
    }

    [Theory]
    [MemberData(nameof(WordLeftKeys))]
    public void WordLeft_MovesToStartOfPreviousWord(ConsoleKeyInfo key)
    {
        var buffer = Typed("say hello, world");

        buffer.Apply(key);
        var first = buffer.Cursor;
        buffer.Apply(key);

        Assert.Equal(11, first);
        Assert.Equal(4, buffer.Cursor);
    }

    public static TheoryData<ConsoleKeyInfo> WordLeftKeys => new() { Keys.Alt('b'), Keys.CtrlLeft };

    [Theory]
    [MemberData(nameof(WordRightKeys))]
    public void WordRight_MovesPastEndOfNextWord(ConsoleKeyInfo key)
    {
        var buffer = Typed("say hello, world", cursor: 0);

        buffer.Apply(key);
        var first = buffer.Cursor;
        buffer.Apply(key);

        Assert.Equal(3, first);
        Assert.Equal(9, buffer.Cursor);
    }

    public static TheoryData<ConsoleKeyInfo> WordRightKeys => new() { Keys.Alt('f'), Keys.CtrlRight };

    // Deleting

    [Fact]
    public void Backspace_DeletesCharacterBeforeCursor()
    {
        var buffer = Typed("abc", cursor: 2);

        Assert.Equal(KeyOutcome.Changed, Press(buffer, Keys.Backspace));

        Assert.Equal("ac", buffer.Text);
        Assert.Equal(1, buffer.Cursor);
    }

    [Fact]
    public void Backspace_AtStart_Ignored()
    {
        var buffer = Typed("abc", cursor: 0);

        Assert.Equal(KeyOutcome.Ignored, Press(buffer, Keys.Backspace));
        Assert.Equal("abc", buffer.Text);
    }

    [Fact]
    public void Backspace_AfterEmoji_DeletesWholeEmoji()
    {
        var buffer = Typed("a😀");

        Press(buffer, Keys.Backspace);

        Assert.Equal("a", buffer.Text);
    }

    [Fact]
    public void Backspace_AfterAccentedLetter_DeletesLetterAndAccent()
    {
        var buffer = Typed("ae\u0301");

        Press(buffer, Keys.Backspace);

        Assert.Equal("a", buffer.Text);
    }

    [Fact]
    public void Backspace_AsDeleteCharacter_DeletesBack()
    {
        var buffer = Typed("ab");

        buffer.Apply(new ConsoleKeyInfo('\u007f', default, false, false, false));

        Assert.Equal("a", buffer.Text);
    }

    [Fact]
    public void CtrlH_DeletesBack()
    {
        var buffer = Typed("ab");

        // Ctrl+H arrives as Ctrl+Backspace on Unix, or as the bare control character elsewhere.
        buffer.Apply(new ConsoleKeyInfo('\b', ConsoleKey.Backspace, false, false, true));
        buffer.Apply(Keys.ControlCharacter('h'));

        Assert.Equal(string.Empty, buffer.Text);
    }

    [Fact]
    public void Delete_DeletesCharacterUnderCursor()
    {
        var buffer = Typed("abc", cursor: 1);

        Assert.Equal(KeyOutcome.Changed, Press(buffer, Keys.Delete));

        Assert.Equal("ac", buffer.Text);
        Assert.Equal(1, buffer.Cursor);
    }

    [Fact]
    public void Delete_AtEnd_Ignored()
    {
        var buffer = Typed("abc");

        Assert.Equal(KeyOutcome.Ignored, Press(buffer, Keys.Delete));
    }

    [Fact]
    public void Delete_OnCjkCharacter_DeletesIt()
    {
        var buffer = Typed("你好", cursor: 0);

        Press(buffer, Keys.Delete);

        Assert.Equal("好", buffer.Text);
    }

    [Fact]
    public void CtrlD_EmptyLine_EndOfInput()
    {
        var buffer = new LineBuffer();

        Assert.Equal(KeyOutcome.EndOfInput, buffer.Apply(Keys.Ctrl('d')));
    }

    [Fact]
    public void CtrlD_WithText_DeletesUnderCursor()
    {
        var buffer = Typed("abc", cursor: 0);

        Assert.Equal(KeyOutcome.Changed, buffer.Apply(Keys.Ctrl('d')));

        Assert.Equal("bc", buffer.Text);
    }

    [Fact]
    public void CtrlD_AtEndOfText_Ignored()
    {
        var buffer = Typed("abc");

        Assert.Equal(KeyOutcome.Ignored, buffer.Apply(Keys.Ctrl('d')));
        Assert.Equal("abc", buffer.Text);
    }

    [Fact]
    public void CtrlU_KillsToStart()
    {
        var buffer = Typed("hello world", cursor: 6);

        Assert.Equal(KeyOutcome.Changed, Press(buffer, Keys.Ctrl('u')));

        Assert.Equal("world", buffer.Text);
        Assert.Equal(0, buffer.Cursor);
        Assert.Equal("hello ", buffer.Killed);
    }

    [Fact]
    public void CtrlU_AtStart_Ignored()
    {
        var buffer = Typed("abc", cursor: 0);

        Assert.Equal(KeyOutcome.Ignored, Press(buffer, Keys.Ctrl('u')));
    }

    [Fact]
    public void CtrlK_KillsToEnd()
    {
        var buffer = Typed("hello world", cursor: 5);

        Assert.Equal(KeyOutcome.Changed, Press(buffer, Keys.Ctrl('k')));

        Assert.Equal("hello", buffer.Text);
        Assert.Equal(5, buffer.Cursor);
        Assert.Equal(" world", buffer.Killed);
    }

    [Fact]
    public void CtrlK_AtEnd_Ignored()
    {
        var buffer = Typed("abc");

        Assert.Equal(KeyOutcome.Ignored, Press(buffer, Keys.Ctrl('k')));
    }

    [Fact]
    public void CtrlW_DeletesWordBeforeCursorWithItsTrailingSpaces()
    {
        var buffer = Typed("git commit -m  ");

        Press(buffer, Keys.Ctrl('w'));

        Assert.Equal("git commit ", buffer.Text);
        Assert.Equal(11, buffer.Cursor);
        Assert.Equal("-m  ", buffer.Killed);
    }

    [Fact]
    public void CtrlW_InMiddle_DeletesOnlyBeforeCursor()
    {
        var buffer = Typed("one two three", cursor: 7);

        Press(buffer, Keys.Ctrl('w'));

        Assert.Equal("one  three", buffer.Text);
        Assert.Equal(4, buffer.Cursor);
    }

    [Fact]
    public void CtrlW_PunctuationIsPartOfWord()
    {
        var buffer = Typed("see http://x.io/a");

        Press(buffer, Keys.Ctrl('w'));

        Assert.Equal("see ", buffer.Text);
    }

    [Fact]
    public void CtrlW_AtStart_Ignored()
    {
        var buffer = Typed("abc", cursor: 0);

        Assert.Equal(KeyOutcome.Ignored, Press(buffer, Keys.Ctrl('w')));
    }

    [Fact]
    public void AltBackspace_DeletesWordBack()
    {
        var buffer = Typed("one two");

        buffer.Apply(new ConsoleKeyInfo('\b', ConsoleKey.Backspace, false, true, false));

        Assert.Equal("one ", buffer.Text);
    }

    [Fact]
    public void AltD_DeletesWordForward()
    {
        var buffer = Typed("one two three", cursor: 3);

        Press(buffer, Keys.Alt('d'));

        Assert.Equal("one three", buffer.Text);
        Assert.Equal(3, buffer.Cursor);
    }

    [Fact]
    public void CtrlY_InsertsLastKilledText()
    {
        var buffer = Typed("hello world", cursor: 5);

        Press(buffer, Keys.Ctrl('k'), Keys.Ctrl('a'), Keys.Ctrl('y'));

        Assert.Equal(" worldhello", buffer.Text);
        Assert.Equal(6, buffer.Cursor);
    }

    [Fact]
    public void CtrlY_NothingKilled_Ignored()
    {
        var buffer = Typed("abc");

        Assert.Equal(KeyOutcome.Ignored, Press(buffer, Keys.Ctrl('y')));
    }

    // Line-level keys

    [Fact]
    public void Enter_Submits()
    {
        var buffer = Typed("abc", cursor: 1);

        Assert.Equal(KeyOutcome.Submit, buffer.Apply(Keys.Enter));
        Assert.Equal("abc", buffer.Text);
    }

    [Theory]
    [InlineData('j')]
    [InlineData('m')]
    public void CtrlJOrCtrlM_Submits(char letter)
    {
        var buffer = Typed("abc");

        Assert.Equal(KeyOutcome.Submit, buffer.Apply(Keys.ControlCharacter(letter)));
    }

    [Fact]
    public void CtrlEnter_Submits()
    {
        var buffer = Typed("abc");

        Assert.Equal(KeyOutcome.Submit, buffer.Apply(new ConsoleKeyInfo('\n', ConsoleKey.Enter, false, false, true)));
    }

    [Fact]
    public void CtrlL_ClearsScreenAndKeepsLine()
    {
        var buffer = Typed("abc", cursor: 1);

        Assert.Equal(KeyOutcome.ClearScreen, buffer.Apply(Keys.Ctrl('l')));
        Assert.Equal("abc", buffer.Text);
        Assert.Equal(1, buffer.Cursor);
    }

    [Fact]
    public void CtrlC_Ignored()
    {
        var buffer = Typed("abc");

        Assert.Equal(KeyOutcome.Ignored, buffer.Apply(Keys.Ctrl('c')));
        Assert.Equal("abc", buffer.Text);
    }

    // History

    [Fact]
    public void Up_NoHistory_Ignored()
    {
        var buffer = Typed("abc");

        Assert.Equal(KeyOutcome.Ignored, Press(buffer, Keys.Up));
        Assert.Equal("abc", buffer.Text);
    }

    [Fact]
    public void Up_ShowsNewestEntryThenOlderWithCursorAtEnd()
    {
        var buffer = new LineBuffer(["first", "second"]);

        Press(buffer, Keys.Up);
        var newest = buffer.Text;
        Press(buffer, Keys.Up);

        Assert.Equal("second", newest);
        Assert.Equal("first", buffer.Text);
        Assert.Equal(5, buffer.Cursor);
        Assert.Equal(0, buffer.HistoryIndex);
    }

    [Fact]
    public void Up_AtOldestEntry_Ignored()
    {
        var buffer = new LineBuffer(["only"]);

        Press(buffer, Keys.Up);

        Assert.Equal(KeyOutcome.Ignored, Press(buffer, Keys.Up));
        Assert.Equal("only", buffer.Text);
    }

    [Fact]
    public void Down_AfterUp_RestoresLineBeingTyped()
    {
        var buffer = Typed("draft in progress", history: ["old"]);

        Press(buffer, Keys.Up);
        var recalled = buffer.Text;
        Press(buffer, Keys.Down);

        Assert.Equal("old", recalled);
        Assert.Equal("draft in progress", buffer.Text);
        Assert.Equal(1, buffer.HistoryIndex);
    }

    [Fact]
    public void Down_OnNewLine_Ignored()
    {
        var buffer = Typed("abc", history: ["old"]);

        Assert.Equal(KeyOutcome.Ignored, Press(buffer, Keys.Down));
        Assert.Equal("abc", buffer.Text);
    }

    [Fact]
    public void EditRecalledEntry_KeptWhileNavigatingAndHistoryUnchanged()
    {
        string[] history = ["one", "two"];
        var buffer = new LineBuffer(history);

        Press(buffer, Keys.Up, "!", Keys.Up, Keys.Down);

        Assert.Equal("two!", buffer.Text);
        Assert.Equal(["one", "two"], history);
    }

    [Fact]
    public void CtrlPAndCtrlN_WalkHistory()
    {
        var buffer = new LineBuffer(["one", "two"]);

        Press(buffer, Keys.Ctrl('p'), Keys.Ctrl('p'), Keys.Ctrl('n'));

        Assert.Equal("two", buffer.Text);
    }

    [Fact]
    public void Up_MultiLineEntry_RecalledWhole()
    {
        var buffer = new LineBuffer(["line 1\nline 2"]);

        Press(buffer, Keys.Up);

        Assert.Equal("line 1\nline 2", buffer.Text);
    }

    [Fact]
    public void SetText_ReplacesTextWithCursorAtEnd()
    {
        var buffer = Typed("abc", cursor: 0);

        buffer.SetText("xy");

        Assert.Equal("xy", buffer.Text);
        Assert.Equal(2, buffer.Cursor);
    }
}
