using System.Globalization;
using System.Text.Json;

namespace Parley.TestServer;

/// <summary>Reads a recorded fixture (NAME.http.json + NAME.response.*) into a replay.</summary>
internal static class FixtureFile
{
    public static ScriptedResponse Load(string basePath)
    {
        string? bodyPath = null;
        string defaultType = "application/json";
        foreach (var (ext, type) in new[] { (".response.sse", "text/event-stream; charset=utf-8"), (".response.ndjson", "application/x-ndjson"), (".response.json", "application/json") })
        {
            if (File.Exists(basePath + ext))
            {
                bodyPath = basePath + ext;
                defaultType = type;
                break;
            }
        }
        if (bodyPath is null)
            throw new FileNotFoundException($"No {basePath}.response.sse, .response.ndjson or .response.json.", basePath + ".response.json");

        var body = File.ReadAllText(bodyPath);
        var status = 200;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var httpPath = basePath + ".http.json";
        if (File.Exists(httpPath))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(httpPath));
            var root = doc.RootElement;
            status = ReadStatus(root);
            if (root.TryGetProperty("response_headers", out var hs) && hs.ValueKind == JsonValueKind.Object)
            {
                foreach (var h in hs.EnumerateObject())
                {
                    headers[h.Name] = h.Value.ValueKind switch
                    {
                        JsonValueKind.String => h.Value.GetString() ?? "",
                        JsonValueKind.Array => string.Join(", ", h.Value.EnumerateArray().Select(v => v.ToString())),
                        _ => h.Value.ToString(),
                    };
                }
            }
        }
        if (!headers.ContainsKey("content-type"))
            headers["content-type"] = defaultType;
        return ScriptedResponse.Replay(status, headers, body);
    }

    private static int ReadStatus(JsonElement root)
    {
        if (root.TryGetProperty("status", out var s))
        {
            if (s.ValueKind == JsonValueKind.Number)
                return s.GetInt32();
            if (s.ValueKind == JsonValueKind.Object && s.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number)
                return code.GetInt32();
        }
        if (root.TryGetProperty("status_line", out var line) && line.ValueKind == JsonValueKind.String)
        {
            // "HTTP/1.1 200 OK"
            var parts = (line.GetString() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                return code;
        }
        return 200;
    }
}
