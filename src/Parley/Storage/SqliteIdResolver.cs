using static Parley.SqliteSql;

namespace Parley;

/// <summary>Resolves a full conversation id or a unique prefix of one.</summary>
internal sealed class SqliteIdResolver(SqliteStoreConnection database)
{
    public Task<string> ResolveAsync(string idOrPrefix, CancellationToken cancellationToken)
    {
        string prefix = StorageText.NormalizePrefix(idOrPrefix);
        return database.RunAsync(async c =>
        {
            var candidates = new List<(string Id, string? Title)>();
            using (var command = Command(c, null, "SELECT id, title FROM conversations WHERE id GLOB $pattern ORDER BY id LIMIT 11;"))
            {
                Add(command, "$pattern", prefix + "*"); // the prefix is lowercase hex only: no GLOB metacharacters
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    candidates.Add((reader.GetString(0), NullableString(reader, 1)));
                }
            }

            return candidates.Count switch
            {
                0 => throw new ConversationNotFoundException(idOrPrefix),
                1 => candidates[0].Id,
                _ => throw new ConversationNotFoundException(idOrPrefix, candidates.Take(10).ToArray()),
            };
        }, cancellationToken);
    }
}
