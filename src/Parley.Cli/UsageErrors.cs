using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Parley.Cli;

/// <summary>
/// Turns what the parser found wrong into one line a user can act on: an unknown option with the nearest known one,
/// a missing command or value named, never the parser's own text (<c>Required command was not provided.</c>).
/// </summary>
internal static class UsageErrors
{
    /// <summary>The one line for a command line with parse errors, or null when it has none.</summary>
    public static string? Describe(ParseResult parse)
    {
        if (parse.Errors.Count == 0)
        {
            return null;
        }

        var command = parse.CommandResult.Command;
        var help = $"(run '{PathOf(command)} --help')";
        if (parse.UnmatchedTokens.Count > 0)
        {
            return Unmatched(parse.UnmatchedTokens[0], command, help);
        }

        if (command.Action is null && command.Subcommands.Count > 0)
        {
            return $"{PathOf(command)} needs a command: {Wording.Either(VisibleSubcommands(command))} {help}";
        }

        foreach (var error in parse.Errors)
        {
            if (Describe(error, command, help) is { } line)
            {
                return line;
            }
        }

        return OneLine(parse.Errors[0].Message);
    }

    /// <summary>An unknown option, with the nearest option <paramref name="command"/> accepts when one is close.</summary>
    public static string UnknownOption(string token, Command command) =>
        CommandSuggester.Suggest(token, OptionNames(command)) is { } suggestion
            ? $"unknown option '{token}': did you mean {suggestion}?"
            : $"unknown option '{token}'";

    /// <summary>Whether a word is an option (not a negative number).</summary>
    public static bool LooksLikeOption(string word) =>
        word.Length > 1 && word[0] == '-' && !double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>The command as typed: <c>parley history show</c>.</summary>
    public static string PathOf(Command command) =>
        string.Join(' ', Lineage(command).Reverse().Select(c => c.Name));

    private static string Unmatched(string token, Command command, string help)
    {
        if (LooksLikeOption(token))
        {
            return $"{UnknownOption(token, command)} {help}";
        }

        if (command.Subcommands.Count > 0)
        {
            var names = command.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name));
            return CommandSuggester.Suggest(token, names) is { } suggestion
                ? $"unknown command '{token}': did you mean `{suggestion}`? {help}"
                : $"unknown command '{token}' for {PathOf(command)}: it takes {Wording.Either(VisibleSubcommands(command))} {help}";
        }

        if (command.Name == "chat")
        {
            return $"parley chat takes no prompt argument ('{token}'): type it once chat starts, or pipe it in (echo \"{token}\" | parley chat)";
        }

        return $"unexpected argument '{token}' {help}";
    }

    private static string? Describe(ParseError error, Command command, string help)
    {
        switch (error.SymbolResult)
        {
            case ArgumentResult { Parent: OptionResult option } argument:
                return OptionError(option, argument, error.Message, help);
            case OptionResult option:
                return OptionError(option, null, error.Message, help);
            case ArgumentResult { Parent: CommandResult } argument when argument.Tokens.Count < argument.Argument.Arity.MinimumNumberOfValues:
                return $"{PathOf(command)} needs <{argument.Argument.HelpName ?? argument.Argument.Name}> {help}";
            default:
                return null;
        }
    }

    private static string OptionError(OptionResult result, ArgumentResult? argument, string message, string help)
    {
        var option = result.Option;
        var given = result.IdentifierToken?.Value ?? option.Name;
        var tokens = argument?.Tokens.Count ?? result.Tokens.Count;
        if (tokens == 0 && option.Arity.MinimumNumberOfValues > 0)
        {
            return result.Implicit || result.IdentifierToken is null
                ? $"{option.Name} is required {help}"
                : $"{given} needs a value: {option.HelpName ?? "a value"} {help}";
        }

        if (tokens > option.Arity.MaximumNumberOfValues)
        {
            return $"{given} takes one value: give it once {help}";
        }

        // The option sets' own checks already say what and where (OptionValues).
        return OneLine(message);
    }

    private static IEnumerable<Command> Lineage(Command command)
    {
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            yield return c;
        }
    }

    private static IEnumerable<string> OptionNames(Command command) =>
        command.Options
            .Concat(Lineage(command).Skip(1).SelectMany(c => c.Options.Where(o => o.Recursive)))
            .Where(o => !o.Hidden)
            .SelectMany(o => o.Aliases.Prepend(o.Name));

    private static string[] VisibleSubcommands(Command command) =>
        [.. command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)];

    private static string OneLine(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
