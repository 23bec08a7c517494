using System.Diagnostics;

namespace Parley.Cli.Tests;

/// <summary>Plays back a fixed list of key presses. When they run out it either throws (a test that reads more keys
/// than it scripted is a bug) or, with <c>waitWhenDone</c>, waits like an idle user until cancelled.</summary>
internal sealed class ScriptedKeySource : IKeySource
{
    private readonly Queue<ConsoleKeyInfo> _keys;
    private readonly bool _waitWhenDone;

    public ScriptedKeySource(params object[] keys)
        : this(waitWhenDone: false, keys)
    {
    }

    public ScriptedKeySource(bool waitWhenDone, params object[] keys)
    {
        _keys = new Queue<ConsoleKeyInfo>(Keys.Sequence(keys));
        _waitWhenDone = waitWhenDone;
    }

    /// <summary>Called before each key is handed out, with the number of keys read so far.</summary>
    public Action<int>? BeforeRead { get; set; }

    public int Read { get; private set; }

    public int Remaining => _keys.Count;

    public void Add(params object[] keys)
    {
        foreach (var key in Keys.Sequence(keys))
        {
            _keys.Enqueue(key);
        }
    }

    public async ValueTask<ConsoleKeyInfo> ReadKeyAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        BeforeRead?.Invoke(Read);
        if (_keys.TryDequeue(out var key))
        {
            Read++;
            return key;
        }

        if (!_waitWhenDone)
        {
            throw new InvalidOperationException("The script has no more keys.");
        }

        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new UnreachableException();
    }
}
