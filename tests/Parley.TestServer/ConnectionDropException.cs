namespace Parley.TestServer;

/// <summary>
/// Thrown after a response has started to make Kestrel close the connection without finishing the body.
/// Unlike <c>HttpContext.Abort()</c> (which resets the connection and can discard bytes the client has not read yet),
/// this sends everything already written and then closes, so the client sees exactly the frames sent before the drop.
/// </summary>
internal sealed class ConnectionDropException : Exception
{
    public ConnectionDropException()
        : base("Scripted connection drop (Parley.TestServer).")
    {
    }
}
