using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Parley.Server;

/// <summary>
/// Serves the web chat (index.html, app.js, app.css and the vendored marked and DOMPurify) from resources embedded in
/// this assembly, with a Content-Security-Policy that allows only the page's own scripts and styles: model output
/// that slipped past the sanitizer still could not run inline script, load a remote resource or send data elsewhere.
/// </summary>
internal static class WebChatAssets
{
    /// <summary>The page's policy: its own files only, no inline script or style, no plug-ins, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, WebAsset> Assets = new Dictionary<string, WebAsset>(StringComparer.Ordinal)
    {
        ["/"] = WebAsset.Load("web/index.html", "text/html; charset=utf-8"),
        ["/app.js"] = WebAsset.Load("web/app.js", "text/javascript; charset=utf-8"),
        ["/app.css"] = WebAsset.Load("web/app.css", "text/css; charset=utf-8"),
        ["/vendor/marked.umd.js"] = WebAsset.Load("web/vendor/marked.umd.js", "text/javascript; charset=utf-8"),
        ["/vendor/purify.min.js"] = WebAsset.Load("web/vendor/purify.min.js", "text/javascript; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The paths the page is served at.</summary>
    public static IEnumerable<string> Paths => Assets.Keys;

    /// <summary>Maps <c>GET</c> and <c>HEAD</c> for each of the page's files.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        foreach (var (path, asset) in Assets)
        {
            RequestDelegate handler = context => WriteAsync(context, asset); // a plain delegate: no reflection-based binding (NativeAOT)
            endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], handler);
        }
    }

    private static Task WriteAsync(HttpContext context, WebAsset asset)
    {
        var headers = context.Response.Headers;
        headers.ContentType = asset.ContentType;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        context.Response.ContentLength = asset.Content.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : context.Response.Body.WriteAsync(asset.Content, context.RequestAborted).AsTask();
    }
}
