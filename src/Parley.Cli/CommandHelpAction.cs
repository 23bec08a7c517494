using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Parley.Cli;

/// <summary>
/// <c>--help</c> for every command, showing only what that command accepts: the one-shot prompt belongs to
/// <c>parley</c> itself, so a subcommand's help (<c>parley chat --help</c>) does not list it.
/// </summary>
internal sealed class CommandHelpAction : SynchronousCommandLineAction
{
    private readonly HelpAction _help;
    private readonly Command _root;
    private readonly Argument _rootOnly;

    public CommandHelpAction(HelpAction help, Command root, Argument rootOnly)
    {
        _help = help;
        _root = root;
        _rootOnly = rootOnly;
    }

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        _rootOnly.Hidden = parseResult.CommandResult.Command != _root;
        return _help.Invoke(parseResult);
    }
}
