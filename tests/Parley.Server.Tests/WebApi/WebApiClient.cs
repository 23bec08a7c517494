using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Parley.Server.Tests.WebApi;

/// <summary>What the web page does over HTTP: the JSON API under <c>/v1/parley/</c> and chat requests, with one key (or none).</summary>
internal sealed class WebApiClient(HttpClient http, string? key)
{
    public async Task<(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, string? body = null, string? conversation = null, string? context = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (conversation is not null)
        {
            request.Headers.Add("X-Parley-Conversation", conversation);
        }

        if (context is not null)
        {
            request.Headers.Add("X-Parley-Context", context);
        }

        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0
            ? JsonDocument.Parse(text).RootElement.Clone()
            : JsonSerializerElement(text);
        return (response.StatusCode, json, response);
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        var (status, json, _) = await SendAsync(HttpMethod.Get, path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status} {json}");
        return json;
    }

    /// <summary>Sends one question on the conversation (not streamed: its turn is saved before the answer arrives) and returns the answer.</summary>
    public async Task<JsonElement> ChatAsync(string conversation, string text, string model = "gpt-4o-mini")
    {
        var (status, json, _) = await SendAsync(HttpMethod.Post, "/v1/chat/completions", Chat(model, text), conversation);
        Assert.True(status == HttpStatusCode.OK, $"chat: {(int)status} {json}");
        return json;
    }

    public static string Chat(string model, string text) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["model"] = model, ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = text } } });

    /// <summary>A non-JSON body as a JSON string, so assertions can still print it.</summary>
    private static JsonElement JsonSerializerElement(string text) => JsonDocument.Parse(JsonSerializer.Serialize(text)).RootElement.Clone();
}
