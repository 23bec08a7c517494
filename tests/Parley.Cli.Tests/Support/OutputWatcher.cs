using System.Text;

namespace Parley.Cli.Tests;

/// <summary>Reads a running process's output stream in the background, so a test can wait until some text appeared.</summary>
public sealed class OutputWatcher
{
    private readonly StringBuilder _text = new();
    private readonly Task _pump;

    public OutputWatcher(StreamReader reader)
    {
        _pump = Task.Run(async () =>
        {
            var buffer = new char[256];
            int n;
            while ((n = await reader.ReadAsync(buffer.AsMemory())) > 0)
            {
                lock (_text)
                {
                    _text.Append(buffer, 0, n);
                }
            }
        });
    }

    /// <summary>Everything read so far.</summary>
    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>Waits until <paramref name="expected"/> was read; fails when the stream ends first or the time runs out.</summary>
    public async Task WaitForAsync(string expected, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!Text.Contains(expected, StringComparison.Ordinal))
        {
            Assert.False(_pump.IsCompleted, $"the stream ended before \"{expected}\" appeared; it had: {Text}");
            Assert.True(DateTime.UtcNow < deadline, $"\"{expected}\" did not appear in time; the stream had: {Text}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits for the end of the stream and returns everything read.</summary>
    public async Task<string> ReadToEndAsync()
    {
        await _pump;
        return Text;
    }
}
