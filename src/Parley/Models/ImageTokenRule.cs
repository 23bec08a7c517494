namespace Parley;

/// <summary>
/// How a vision model bills an input image. Either the tile rule (<see cref="BaseTokens"/> plus
/// <see cref="TileTokens"/> per 512 px tile after scaling to fit 2048 px and a 768 px shortest side) or the patch rule
/// (32 px patches, at most 1536, times <see cref="PatchMultiplier"/>).
/// </summary>
/// <param name="BaseTokens">Fixed tokens per image for the tile rule; also the whole cost of a <c>detail: low</c> image.</param>
/// <param name="TileTokens">Tokens per 512 px tile for the tile rule.</param>
/// <param name="PatchMultiplier">Tokens per 32 px patch for the patch rule; null when the tile rule applies.</param>
internal sealed record ImageTokenRule(int BaseTokens, int TileTokens, double? PatchMultiplier = null)
{
    /// <summary>Creates a patch rule with the given multiplier.</summary>
    /// <param name="multiplier">Tokens billed per 32 px patch.</param>
    /// <returns>The rule.</returns>
    public static ImageTokenRule Patches(double multiplier) => new(0, 0, multiplier);
}
