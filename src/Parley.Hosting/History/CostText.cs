using System.Globalization;

namespace Parley.Hosting;

/// <summary>A dollar amount as people read it: cents for amounts of a cent or more (<c>$0.12</c>), else six decimals (<c>$0.000123</c>).</summary>
internal static class CostText
{
    public static string Format(decimal cost) =>
        cost >= 0.01m ? "$" + cost.ToString("0.00##", CultureInfo.InvariantCulture) : "$" + cost.ToString("0.0000##", CultureInfo.InvariantCulture);
}
