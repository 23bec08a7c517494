namespace Parley.TestServer;

internal enum ResponseKind
{
    Text,
    Many,
    Error,
    Raw,
}
