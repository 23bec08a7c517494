using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Parley.Server.Tests;

/// <summary>Requests as an OpenAI client sends them, and the reading of answers.</summary>
internal static class GatewayJson
{
    public static string Chat(string model, string userText, bool stream = false, string extra = "") =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{userText}}"}]{{(stream ? ",\"stream\":true" : "")}}{{extra}}}""";

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string body, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-key-not-for-upstream");
        return await client.SendAsync(request, completion);
    }

    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("error").Clone();
    }

    /// <summary>The SSE events of a stream, each with its blank line.</summary>
    public static IReadOnlyList<string> Events(string sse) =>
        sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e + "\n\n").ToList();
}
