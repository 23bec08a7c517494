using Microsoft.Extensions.AI;

namespace Parley.Tests.Context;

/// <summary>One rule for a request's window and reserve, used by the session, the middleware and the CLI alike.</summary>
public class ContextBudgetResolveTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.BuiltIn;

    [Fact]
    public void Resolve_CatalogModel_UsesItsWindowAndDefaultReserve()
    {
        var model = Catalog.Find("gpt-4o-mini")!;

        var budget = ContextBudget.Resolve(Catalog, new TokenCounter(), "gpt-4o-mini")!;

        Assert.Equal(model.ContextWindow, budget.ContextWindow);
        Assert.Equal(PromptPreflight.DefaultReserve(model, model.ContextWindow!.Value), budget.ReservedOutput);
        Assert.False(budget.IsLearnedWindow);
        Assert.Null(budget.Tools);
    }

    [Fact]
    public void Resolve_LearnedLimitSmallerThanTheCatalog_IsTheWindow()
    {
        var budget = ContextBudget.Resolve(Catalog, new TokenCounter(), "gpt-4o-mini", learnedLimit: id => id == "gpt-4o-mini" ? 50_000 : null)!;

        Assert.Equal(50_000, budget.ContextWindow);
        Assert.True(budget.IsLearnedWindow);
    }

    [Fact]
    public void Resolve_LearnedLimitLargerThanTheCatalog_KeepsTheCatalogWindow()
    {
        var catalogWindow = Catalog.Find("gpt-4o-mini")!.ContextWindow;

        var budget = ContextBudget.Resolve(Catalog, new TokenCounter(), "gpt-4o-mini", learnedLimit: _ => 10_000_000)!;

        Assert.Equal(catalogWindow, budget.ContextWindow);
        Assert.False(budget.IsLearnedWindow);
    }

    [Fact]
    public void Resolve_UnknownModel_NoBudgetUntilALimitIsLearned()
    {
        Assert.Null(ContextBudget.Resolve(Catalog, new TokenCounter(), "my-unlisted-model"));
        Assert.Null(ContextBudget.ResolveModel(Catalog, "my-unlisted-model"));

        var budget = ContextBudget.Resolve(Catalog, new TokenCounter(), "my-unlisted-model", learnedLimit: _ => 8_000)!;

        Assert.Equal(8_000, budget.ContextWindow);
        Assert.NotNull(ContextBudget.ResolveModel(Catalog, "my-unlisted-model", _ => 8_000));
    }

    [Fact]
    public void Resolve_ReserveGivenOverridesTheRequestsOutputLimit_AndToolsTakeRoom()
    {
        var tool = AIFunctionFactory.Create(() => "sunny", "weather");
        var request = new ChatOptions { MaxOutputTokens = 1_000, Tools = [tool] };

        var fromRequest = ContextBudget.Resolve(Catalog, new TokenCounter(), "gpt-4o-mini", request)!;
        var given = ContextBudget.Resolve(Catalog, new TokenCounter(), "gpt-4o-mini", request, reservedOutput: 2_000)!;

        Assert.Equal(1_000, fromRequest.ReservedOutput);
        Assert.Equal(2_000, given.ReservedOutput);
        Assert.Equal([tool], fromRequest.Tools!);
    }

    [Fact]
    public void Session_ContextBudget_IsTheResolvedBudget()
    {
        var request = new ChatOptions { MaxOutputTokens = 1_234 };
        var session = new ChatSession(new Parley.Tests.Resilience.FakeChatClient(), new ChatSessionOptions { Model = "gpt-4o-mini", ChatOptions = request });

        var expected = ContextBudget.Resolve(Catalog, new TokenCounter(), "gpt-4o-mini", request)!;

        Assert.Equal((expected.ContextWindow, expected.ReservedOutput), (session.ContextBudget!.ContextWindow, session.ContextBudget.ReservedOutput));
    }
}
