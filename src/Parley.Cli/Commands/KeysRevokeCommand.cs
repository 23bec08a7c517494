using System.CommandLine;

namespace Parley.Cli;

/// <summary><c>parley keys revoke NAME</c>: the key stops working (parley serve refuses it within a second); its name stays taken.</summary>
internal sealed class KeysRevokeCommand
{
    private readonly CliServices _services;

    public KeysRevokeCommand(CliServices services) => _services = services;

    public static Command Create(Func<CliServices> services)
    {
        var name = KeysCommand.NameArgument("The key's name (parley keys list shows them)");
        var command = new Command("revoke", "Revoke a virtual key: parley serve refuses it within a second") { name };
        command.SetAction((parse, ct) => new KeysRevokeCommand(services()).RunAsync(parse.GetValue(name)!, ct));
        return command;
    }

    public async Task<int> RunAsync(string name, CancellationToken cancellationToken)
    {
        var (store, keys) = await KeysCommand.OpenAsync(_services, cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            if (!await keys.RevokeKeyAsync(name, cancellationToken).ConfigureAwait(false))
            {
                throw new CliUsageException($"no key is named '{name}' (parley keys list shows them)");
            }

            _services.Interaction.Note($"revoked key '{name}': parley serve answers its requests with 401 within a second");
            return ExitCodes.Ok;
        }
    }
}
