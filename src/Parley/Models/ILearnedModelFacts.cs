namespace Parley;

/// <summary>
/// Where facts learned about a model at run time are kept across runs: the token estimator's calibration ratio and
/// the context limit a server enforced. Every fact belongs to one endpoint (the server's base URL) and one model.
/// Parley.Hosting's <c>LearnedModelFacts</c> keeps them in a JSON file; implement it to keep them elsewhere.
/// </summary>
public interface ILearnedModelFacts
{
    /// <summary>Gets the learned ratio between a server's reported prompt tokens and Parley's estimate.</summary>
    /// <param name="endpoint">The server's base URL.</param>
    /// <param name="modelId">The model id.</param>
    /// <returns>The ratio, or null when none has been learned for this endpoint and model.</returns>
    double? GetCalibrationRatio(Uri endpoint, string modelId);

    /// <summary>Stores the learned calibration ratio for a model on an endpoint.</summary>
    /// <param name="endpoint">The server's base URL.</param>
    /// <param name="modelId">The model id.</param>
    /// <param name="ratio">The ratio; a positive finite number.</param>
    void SetCalibrationRatio(Uri endpoint, string modelId, double ratio);

    /// <summary>Gets the context limit a server enforced for a model (learned from a context-length error).</summary>
    /// <param name="endpoint">The server's base URL.</param>
    /// <param name="modelId">The model id.</param>
    /// <returns>The limit in tokens, or null when none has been learned for this endpoint and model.</returns>
    int? GetContextLimit(Uri endpoint, string modelId);

    /// <summary>Stores the context limit a server enforces for a model.</summary>
    /// <param name="endpoint">The server's base URL.</param>
    /// <param name="modelId">The model id.</param>
    /// <param name="tokens">The limit in tokens; positive.</param>
    void SetContextLimit(Uri endpoint, string modelId, int tokens);
}
