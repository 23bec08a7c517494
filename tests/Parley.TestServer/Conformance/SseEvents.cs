// Read recorded traffic from shared/fixtures for both conformance suites (library and CLI).
// are the same file apart from the namespace (the test projects share no source; SharedSourceTests checks the copies).

using System.Text;

namespace Parley.TestServer.Conformance;

/// <summary>Splits a recorded <c>text/event-stream</c> body into events (blank-line separated, LF or CRLF).</summary>
public static class SseEvents
{
    /// <summary>The events as they are written in the body, each with its own line endings and separator.</summary>
    public static IReadOnlyList<string> Frames(string body)
    {
        var frames = new List<string>();
        var current = new StringBuilder();
        var lineHasText = false;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            current.Append(c);
            if (c != '\n')
            {
                lineHasText |= c != '\r';
                continue;
            }

            if (!lineHasText && current.ToString().Trim().Length > 0)
            {
                frames.Add(current.ToString());
                current.Clear();
            }

            lineHasText = false;
        }

        if (current.ToString().Trim().Length > 0)
        {
            frames.Add(current.ToString());
        }

        return frames;
    }

    /// <summary>The <c>data</c> of each event (several <c>data:</c> lines joined with <c>\n</c>, as the SSE spec says).</summary>
    public static IEnumerable<string> Data(string body)
    {
        foreach (var frame in Frames(body))
        {
            var data = new List<string>();
            foreach (var raw in frame.Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Add(line.Length > 5 && line[5] == ' ' ? line[6..] : line[5..]);
                }
            }

            if (data.Count > 0)
            {
                yield return string.Join('\n', data);
            }
        }
    }
}
