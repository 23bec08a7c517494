namespace Parley.Server;

/// <summary>A budget reservation's answer: the ticket of a granted one (null when refused) and what the budgets have left.</summary>
internal readonly record struct BudgetAdmission(BudgetReservation Reservation, IGateTicket? Ticket);
