using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley;

/// <summary>
/// Facts Parley learns about models while it runs — the calibration ratio of the token estimator and the context
/// limit a server actually enforces — kept in a small JSON file in the data directory (not in the config file).
/// Safe for concurrent processes: every change re-reads the file under a lock file, writes a temporary file and
/// renames it over the old one, so readers see either the old or the new file, never half of one.
/// </summary>
public sealed class LearnedModelFacts
{
    private const string CalibrationField = "calibration_ratio";
    private const string ContextLimitField = "context_limit";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    private readonly object gate = new();

    /// <summary>Creates a store backed by the JSON file at <paramref name="path"/> (created on the first change).</summary>
    /// <param name="path">The file, e.g. <c>$XDG_DATA_HOME/parley/learned-models.json</c>.</param>
    public LearnedModelFacts(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The backing file.</summary>
    public string Path { get; }

    /// <summary>Gets the learned ratio between a server's reported prompt tokens and Parley's estimate.</summary>
    /// <param name="modelId">The model id.</param>
    /// <returns>The ratio, or null when none has been learned.</returns>
    public double? GetCalibrationRatio(string modelId) => Read(modelId, CalibrationField) is double d ? d : null;

    /// <summary>Stores the calibration ratio for a model.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="ratio">Reported prompt tokens divided by the estimate; must be positive and finite.</param>
    public void SetCalibrationRatio(string modelId, double ratio)
    {
        if (!double.IsFinite(ratio) || ratio <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The calibration ratio must be a positive number.");
        }

        Write(modelId, CalibrationField, JsonValue.Create(ratio));
    }

    /// <summary>Gets the context limit a server enforced for a model (learned from a context-length error).</summary>
    /// <param name="modelId">The model id.</param>
    /// <returns>The limit in tokens, or null when none has been learned.</returns>
    public int? GetContextLimit(string modelId) => Read(modelId, ContextLimitField) is double d ? (int)d : null;

    /// <summary>Stores the context limit a server enforces for a model.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="tokens">The limit in tokens; must be positive.</param>
    public void SetContextLimit(string modelId, int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        Write(modelId, ContextLimitField, JsonValue.Create(tokens));
    }

    private double? Read(string modelId, string field)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        lock (gate)
        {
            // The file is small and read rarely; reading it each time sees every other process's changes.
            return Load()[Key(modelId)] is JsonObject facts && facts[field] is JsonValue v && v.TryGetValue(out double d) ? d : null;
        }
    }

    private void Write(string modelId, string field, JsonNode value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        lock (gate)
        {
            string? directory = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(directory))
            {
                PrivateFiles.CreateFolder(directory);
            }

            using FileStream fileLock = AcquireLock();

            // Re-read under the lock so a change another process made meanwhile is kept.
            JsonObject current = Load();
            string key = Key(modelId);
            if (current[key] is not JsonObject facts)
            {
                facts = [];
                current[key] = facts;
            }

            facts[field] = value;
            facts["updated"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

            var document = new JsonObject { ["schema_version"] = 1, ["models"] = current };
            string temporary = $"{Path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            try
            {
                using (var stream = new FileStream(temporary, PrivateFiles.Options(FileMode.CreateNew, FileAccess.Write)))
                using (var writer = new StreamWriter(stream))
                {
                    writer.Write(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                }

                File.Move(temporary, Path, overwrite: true);
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }
    }

    private FileStream AcquireLock()
    {
        string lockPath = Path + ".lock";
        DateTime deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                // The lock file is left in place: deleting it on close would let two processes lock different inodes.
                return new FileStream(lockPath, PrivateFiles.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Random.Shared.Next(5, 25));
            }
            catch (UnauthorizedAccessException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Random.Shared.Next(5, 25));
            }
        }
    }

    // A missing or damaged file counts as empty: learned facts are a cache, the next change rewrites the file.
    private JsonObject Load()
    {
        try
        {
            return File.Exists(Path) && JsonNode.Parse(File.ReadAllText(Path)) is JsonObject root && root["models"] is JsonObject m
                ? (JsonObject)m.DeepClone()
                : [];
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return [];
        }
    }

    private static string Key(string modelId) => modelId.Trim().ToLowerInvariant();
}
