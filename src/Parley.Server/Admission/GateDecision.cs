namespace Parley.Server;

/// <summary>The gate's answer: admitted with a ticket, or refused with an OpenAI-shaped error.</summary>
internal sealed class GateDecision
{
    private GateDecision(IGateTicket? ticket, GatewayError? error)
    {
        Ticket = ticket;
        Error = error;
    }

    /// <summary>The ticket of an admitted request; null when refused.</summary>
    public IGateTicket? Ticket { get; }

    /// <summary>Why the request was refused; null when admitted.</summary>
    public GatewayError? Error { get; }

    public static GateDecision Admit(IGateTicket ticket) => new(ticket ?? throw new ArgumentNullException(nameof(ticket)), null);

    public static GateDecision Refuse(GatewayError error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));
}
