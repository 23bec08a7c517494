using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Parley.Cli;

/// <summary>
/// The <c>parley models --json</c> shape: an array of models with the catalog's snake_case field names (so an entry can
/// be copied into the config file's <c>models</c>), plus <c>exact_tokenizer</c>. Unknown values are null, never 0.
/// </summary>
internal static class ModelJsonWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(IEnumerable<ModelInfo> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartArray();
            foreach (var model in models)
            {
                WriteModel(json, model);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteModel(Utf8JsonWriter json, ModelInfo model)
    {
        json.WriteStartObject();
        json.WriteString("id", model.Id);
        json.WriteString("provider", model.Provider);
        json.WriteNumberOrNull("context_window", model.ContextWindow);
        json.WriteNumberOrNull("max_output_tokens", model.MaxOutputTokens);
        json.WriteString("encoding", model.Encoding);
        json.WriteBoolean("exact_tokenizer", model.HasExactTokenizer);
        json.WriteNumberOrNull("input_per_million", model.InputPerMillion);
        json.WriteNumberOrNull("cached_input_per_million", model.CachedInputPerMillion);
        json.WriteNumberOrNull("output_per_million", model.OutputPerMillion);
        json.WriteBoolean("reasoning", model.IsReasoning);
        json.WriteString("system_role", model.SystemRole);
        json.WriteBoolean("supports_temperature", model.SupportsTemperature);
        json.WriteBoolean("supports_reasoning_effort", model.SupportsReasoningEffort);
        json.WriteString("max_tokens_field", model.MaxTokensField);
        json.WriteStartObject("framing");
        json.WriteNumber("per_message", model.TokensPerMessage);
        json.WriteNumber("per_name", model.TokensPerName);
        json.WriteNumber("reply_priming", model.ReplyPrimingTokens);
        json.WriteEndObject();
        if (model.ImagePatchMultiplier is { } multiplier)
        {
            json.WriteStartObject("image_tokens");
            json.WriteNumber("patch_multiplier", multiplier);
            json.WriteEndObject();
        }
        else if (model is { ImageBaseTokens: { } baseTokens, ImageTileTokens: { } tileTokens })
        {
            json.WriteStartObject("image_tokens");
            json.WriteNumber("base", baseTokens);
            json.WriteNumber("tile", tileTokens);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("image_tokens");
        }

        if (model.SupportsImageInput is { } images)
        {
            json.WriteBoolean("image_input", images);
        }
        else
        {
            json.WriteNull("image_input");
        }

        json.WriteBoolean("file_input", model.SupportsFileInput);

        json.WriteBoolean("local", model.IsLocal);
        json.WriteString("source", model.Source);
        json.WriteString("price_date", model.PriceDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteEndObject();
    }
}
