using System.CommandLine;

namespace Parley.Cli;

/// <summary><c>parley keys create | list | revoke</c>: the virtual keys of <c>parley serve</c>, kept in the conversation database.</summary>
internal static class KeysCommand
{
    public static Command Create(Func<CliServices> services)
    {
        var command = new Command("keys", "Manage the virtual keys of parley serve: create (prints the key once), list, revoke");
        command.Add(KeysCreateCommand.Create(services));
        command.Add(KeysListCommand.Create(services));
        command.Add(KeysRevokeCommand.Create(services));
        return command;
    }

    /// <summary>The <c>NAME</c> argument of <c>create</c> and <c>revoke</c>.</summary>
    public static Argument<string> NameArgument(string description) => new("name") { Description = description, HelpName = "NAME" };

    /// <summary>Opens the conversation database as the key store.</summary>
    public static async Task<(IConversationStore Store, IApiKeyStore Keys)> OpenAsync(CliServices services, CancellationToken cancellationToken)
    {
        var store = await services.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        if (store is IApiKeyStore keys)
        {
            return (store, keys);
        }

        await store.DisposeAsync().ConfigureAwait(false);
        throw new InvalidOperationException("this conversation store keeps no virtual keys");
    }
}
