using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Refuses, before anything is sent, a request that carries images to a model the catalog says does not read them
/// (<see cref="ModelInfo.SupportsImageInput"/> false). A model the catalog does not know, or whose image input is
/// unknown, gets the request unchanged.
/// </summary>
internal static class ImageInputCheck
{
    /// <summary>Throws <see cref="NotSupportedException"/> when <paramref name="request"/> has an image <paramref name="model"/> cannot read.</summary>
    /// <param name="request">The messages about to be sent.</param>
    /// <param name="model">The catalog entry of the model (null when unknown).</param>
    /// <param name="modelName">The model as the user named it, for the message.</param>
    public static void Check(IReadOnlyList<ChatMessage> request, ModelInfo? model, string? modelName)
    {
        if (model is not { SupportsImageInput: false })
        {
            return;
        }

        var images = request.Sum(m => m.Contents.Count(ImageTokenEstimator.IsImage));
        if (images == 0)
        {
            return;
        }

        var name = modelName ?? model.Id;
        var what = images == 1 ? "an image" : $"{images} images";
        throw new NotSupportedException(
            $"{name} does not read images, and the request carries {what}: use a model that does (e.g. gpt-4o), "
            + $"or set \"image_input\": true for {model.Id} in the config file's \"models\" if the catalog is wrong (nothing was sent)");
    }
}
