using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading.Tasks;
using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Admin;

namespace Sheriff.PowerShell.Infrastructure
{
    // The red/black switch shared by Switch-GenieCluster and Switch-GenieCommand: plan (reads only), show the plan
    // (-WhatIf / -Confirm / -Verbose), run it with the core's rollback, relay its log as Verbose on the pipeline thread,
    // and turn its failures into errors with stable ids.
    public abstract partial class GenieCmdletBase
    {
        /// <summary>Plans with <paramref name="plan"/>, asks ShouldProcess with the whole plan, executes, emits the result with -PassThru.</summary>
        protected void RunSwitch(GenieResourceKind kind, string from, Func<ISwitchOperations, Task<SwitchPlan>> plan, bool passThru)
        {
            var session = ResolveSession();
            var ops = new GenieSwitchOperations(session.Client);
            SwitchPlan switchPlan;
            try
            {
                switchPlan = Await(plan(ops));
            }
            catch (SwitchPlanException ex)
            {
                ThrowTerminatingError(PlanError(ex, kind));
                return;
            }
            catch (GenieException ex)
            {
                ThrowTerminatingError(GenieError(ex, from));
                return;
            }

            foreach (var warning in switchPlan.Warnings) WriteWarning(warning);
            var description = switchPlan.Describe();
            if (!ShouldProcess(description, description + Environment.NewLine + "Do you want to make this switch?", kind == GenieResourceKind.Cluster ? "Switch-GenieCluster" : "Switch-GenieCommand"))
                return;

            var log = new ConcurrentQueue<string>();
            var executor = new SwitchExecutor(ops, log.Enqueue);
            var task = executor.ExecuteAsync(switchPlan, Token);
            // Only the pipeline thread writes: relay the core's messages while it runs. Once stopping (Ctrl+C), keep waiting
            // (the core is rolling back, bounded by its own timeout) but write nothing.
            while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(100))
                if (!Token.IsCancellationRequested) Relay(log);
            if (!Token.IsCancellationRequested) Relay(log);

            GenieSwitchResult result;
            try
            {
                result = task.GetAwaiter().GetResult();
            }
            catch (GenieSwitchException ex) when (ex.Cancelled && Token.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (GenieSwitchException ex) when (ex.Kind == SwitchFailureKind.DrainTimeout)
            {
                // The switch itself happened and is kept: a non-terminating error (runbooks with -ErrorAction Stop still stop).
                WriteError(SwitchError(ex, from));
                if (passThru) WriteObject(ex.Result);
                return;
            }
            catch (GenieSwitchException ex)
            {
                ThrowTerminatingError(SwitchError(ex, from));
                return;
            }
            if (passThru) WriteObject(result);
        }

        private void Relay(ConcurrentQueue<string> log)
        {
            while (log.TryDequeue(out var message)) WriteVerbose(message);
        }

        private static ErrorRecord PlanError(SwitchPlanException ex, GenieResourceKind kind)
        {
            switch (ex.Problem)
            {
                case SwitchPlanProblem.NotFound:
                    return NewError(ex, kind == GenieResourceKind.Cluster ? ErrorIds.GenieClusterNotFound : ErrorIds.GenieCommandNotFound,
                        ErrorCategory.ObjectNotFound, ex.Target,
                        kind == GenieResourceKind.Cluster ? "Check the id or name; Get-GenieCluster lists the clusters." : "Check the id or name; Get-GenieCommand lists the commands.");
                case SwitchPlanProblem.NothingToMove:
                    return NewError(ex, ErrorIds.GenieSwitchPreconditionFailed, ErrorCategory.InvalidOperation, ex.Target,
                        "Name the tags to move with -Tag.");
                default:
                    return NewError(ex, ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, ex.Target);
            }
        }

        private static ErrorRecord SwitchError(GenieSwitchException ex, string target)
        {
            var plan = ex.Result.Plan;
            switch (ex.Kind)
            {
                case SwitchFailureKind.PreconditionFailed:
                    return NewError(ex, ErrorIds.GenieSwitchPreconditionFailed, ErrorCategory.InvalidOperation, target,
                        plan.Kind == GenieResourceKind.Cluster
                            ? $"Make {plan.To.Name} UP and runnable for these tags (a command's cluster criteria must match it), then switch again. Nothing was changed."
                            : $"Make command {plan.To.Name} ACTIVE with cluster criteria that match an UP cluster, then switch again. Nothing was changed.",
                        ex.Message);
                case SwitchFailureKind.DrainTimeout:
                    return NewError(ex, ErrorIds.GenieDrainTimeout, ErrorCategory.OperationTimeout, target,
                        $"Get-GenieJob -ClusterName {plan.From.Name} -Status RUNNING shows what still runs there; when it is done, set {plan.From.Name} OUT_OF_SERVICE (Set-GenieClusterStatus) or switch again with -Drain.",
                        ex.Message);
                default:
                    var action = !ex.RolledBack
                        ? (ex.FailedStep?.IsSwitchPhase == false ? $"The switch is in effect; finish the retirement of {plan.From.Name} by hand, or switch back." : "Nothing was changed; fix the cause and switch again.")
                        : ex.RollbackSucceeded == true
                            ? "The rollback restored the tags; fix the cause and switch again."
                            : $"The rollback is incomplete: compare the tags of {plan.From.Name} and {plan.To.Name} with the message and fix them by hand (Add-GenieTag / Remove-GenieTag).";
                    return NewError(ex, ErrorIds.GenieSwitchFailed, ErrorCategory.InvalidResult, target, action, ex.Message);
            }
        }
    }
}
