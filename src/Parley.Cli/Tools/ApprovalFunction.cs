using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>A tool that asks its <see cref="ToolApprover"/> before each call; a refused call returns <see cref="ToolApprover.RefusedResult"/>.</summary>
internal sealed class ApprovalFunction : DelegatingAIFunction
{
    private readonly ToolApprover _approver;

    public ApprovalFunction(AIFunction inner, ToolApprover approver)
        : base(inner)
    {
        _approver = approver;
    }

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
        await _approver.ApproveAsync(InnerFunction, arguments, cancellationToken).ConfigureAwait(false)
            ? await base.InvokeCoreAsync(arguments, cancellationToken).ConfigureAwait(false)
            : ToolApprover.RefusedResult;
}
