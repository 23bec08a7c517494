using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Parley.Server;

/// <summary>
/// <c>GET /v1/models</c>: every model the gateway serves — the catalog (with the config's <c>models</c>), the
/// providers' aliases and what each upstream's <c>/v1/models</c> lists — in OpenAI's list shape, each with
/// <c>context_window</c>, <c>max_output_tokens</c> and <c>pricing</c> (USD per million tokens) where known, else null.
/// </summary>
internal sealed class ModelsEndpoint
{
    private readonly GatewaySources _sources;
    private readonly UpstreamRegistry _upstreams;
    private readonly IRequestGate _gate;

    public ModelsEndpoint(GatewaySources sources, UpstreamRegistry upstreams, IRequestGate gate)
    {
        _sources = sources;
        _upstreams = upstreams;
        _gate = gate;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var bearer = BearerToken.Read(context.Request);
        if (await _gate.AuthenticateAsync(bearer, cancellationToken).ConfigureAwait(false) is null)
        {
            await ErrorResponse.WriteAsync(context, await _gate.UnauthenticatedErrorAsync(bearer, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            return;
        }

        var catalog = _sources.Catalog;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<(string Id, string Owner, ModelInfo? Info)>();
        void Add(string id, string owner, ModelInfo? info)
        {
            if (seen.Add(id))
            {
                rows.Add((id, owner, info));
            }
        }

        foreach (var model in catalog.Models)
        {
            Add(model.Id, model.Provider, model);
        }

        var upstreams = await _upstreams.ListAllAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (provider, _) in upstreams)
        {
            foreach (var (alias, target) in provider.Aliases)
            {
                Add(provider.Name + ":" + alias, provider.Name, catalog.Find(target));
            }
        }

        foreach (var (provider, models) in upstreams)
        {
            foreach (var id in models)
            {
                Add(id, provider.Name, catalog.Find(id));
            }
        }

        context.Response.ContentType = "application/json";
        Write(context.Response.BodyWriter, rows);
        await context.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Write(System.Buffers.IBufferWriter<byte> output, List<(string Id, string Owner, ModelInfo? Info)> rows)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WriteStartArray("data");
        foreach (var (id, owner, info) in rows)
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("object", "model");
            writer.WriteNumber("created", 0);
            writer.WriteString("owned_by", owner);
            Number(writer, "context_window", info?.ContextWindow);
            Number(writer, "max_output_tokens", info?.MaxOutputTokens);
            if (info?.InputPerMillion is null && info?.OutputPerMillion is null)
            {
                writer.WriteNull("pricing");
            }
            else
            {
                writer.WriteStartObject("pricing");
                Price(writer, "input", info.InputPerMillion);
                Price(writer, "cached_input", info.CachedInputPerMillion);
                Price(writer, "output", info.OutputPerMillion);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } n)
        {
            writer.WriteNumber(name, n);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void Price(Utf8JsonWriter writer, string name, decimal? value)
    {
        if (value is { } n)
        {
            writer.WriteNumber(name, n);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
