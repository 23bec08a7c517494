using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Parley.Tests.TestServer;

/// <summary>Builds raw chat request bodies, so the server is tested with plain HttpClient, not a Parley client.</summary>
internal static class ChatRequest
{
    public static StringContent OpenAI(string userMessage, bool stream = false, bool includeUsage = false, string model = "gpt-4o-mini", string? system = null)
    {
        var messages = new List<object>();
        if (system is not null)
            messages.Add(new { role = "system", content = system });
        messages.Add(new { role = "user", content = userMessage });
        var body = new Dictionary<string, object> { ["model"] = model, ["messages"] = messages };
        if (stream)
            body["stream"] = true;
        if (includeUsage)
            body["stream_options"] = new { include_usage = true };
        return Json(body);
    }

    public static StringContent Ollama(string userMessage, string model = "llama3.2", bool? stream = null, int? numCtx = null)
    {
        var body = new Dictionary<string, object>
        {
            ["model"] = model,
            ["messages"] = new[] { new { role = "user", content = userMessage } },
        };
        if (stream is bool s)
            body["stream"] = s;
        if (numCtx is int n)
            body["options"] = new { num_ctx = n };
        return Json(body);
    }

    public static StringContent Json(object body)
    {
        var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>POSTs and returns once the headers have arrived (the body is read by the caller).</summary>
    public static Task<HttpResponseMessage> PostStreamingAsync(HttpClient client, string path, HttpContent content) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = content }, HttpCompletionOption.ResponseHeadersRead);
}
