using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Parley;

public static partial class ParleyChatClientBuilderExtensions
{
    /// <summary>
    /// Calibrates <paramref name="counter"/>'s estimates from the prompt tokens servers report: after each call to a model
    /// without an exact tokenizer (Ollama and other OpenAI-compatible models, models the catalog does not know) whose
    /// response reports prompt tokens, the counter learns the ratio between its estimate and the report (remembered across
    /// runs when the counter has an <see cref="ILearnedModelFacts"/>). Calibration runs in the background and never delays
    /// or fails a response; a short-lived process awaits <see cref="TokenCounter.WhenCalibratedAsync"/> (the pipeline's
    /// <c>GetService&lt;TokenCounter&gt;()</c> returns the counter) before it exits. Add it before (outside) middleware
    /// that rewrites messages, so it sees the messages as the caller counts them.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="counter">The counter to calibrate (give it a <see cref="ILearnedModelFacts"/> to remember ratios).</param>
    /// <param name="catalog">Where models are looked up; null uses <see cref="ModelCatalog.BuiltIn"/>.</param>
    /// <param name="onlyWhenTokenizerLoaded">
    /// True: a response is learned from only if this process has already loaded the tokenizer that counts its model
    /// (because a prompt needed counting), so a short-lived process with short prompts never pays the vocabulary load
    /// just to calibrate. False (default): every response that reports prompt tokens is learned from.
    /// </param>
    /// <param name="loggerFactory">
    /// Where calibrations are logged (<see cref="ParleyTelemetry.Calibrated"/>); null: the pipeline's services'
    /// <see cref="ILoggerFactory"/>, if any.
    /// </param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseTokenCalibration(
        this ChatClientBuilder builder,
        TokenCounter counter,
        ModelCatalog? catalog = null,
        bool onlyWhenTokenizerLoaded = false,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(counter);
        return builder.Use((inner, services) =>
        {
            return new TokenCalibrationChatClient(
                inner, counter, catalog ?? ModelCatalog.BuiltIn, ParleyLog.For<TokenCalibrationChatClient>(loggerFactory, services))
            {
                OnlyWhenTokenizerLoaded = onlyWhenTokenizerLoaded,
            };
        });
    }
}
