namespace ProtoScope.Tests;

/// <summary>The managed heap still in use once everything unreachable is gone: for tests that bound what a load retains.</summary>
internal static class RetainedMemory
{
    /// <summary>Collects twice around the finalizers (objects they release are freed by the second collection), then measures.</summary>
    public static long Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
