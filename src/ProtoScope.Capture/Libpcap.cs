using System.Runtime.InteropServices;
using SharpPcap;
using SharpPcap.LibPcap;

namespace ProtoScope.Capture;

/// <summary>Turns a missing libpcap into a message that says how to install it.</summary>
internal static class Libpcap
{
    public const string InstallHint = "libpcap is not installed: install it with 'sudo apt-get install libpcap0.8' (Debian/Ubuntu) or your system's libpcap package";

    public static T Call<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DllNotFoundException e)
        {
            throw new CaptureError(InstallHint, e);
        }
        catch (TypeInitializationException e) when (e.InnerException is DllNotFoundException)
        {
            throw new CaptureError(InstallHint, e);
        }
    }

    public static string Version => Call(() => Pcap.Version);

    private static readonly Lazy<IntPtr> BreakloopEntry = new(FindBreakloop);

    /// <summary>
    /// pcap_breakloop(3PCAP), which SharpPcap keeps internal. On Linux a blocked pcap_next_ex never returns
    /// on its read timeout (libpcap polls again); breakloop wakes it through libpcap's eventfd, and it returns
    /// PCAP_ERROR_BREAK. Safe to call from another thread.
    /// </summary>
    public static unsafe void Breakloop(PcapHandle handle)
    {
        IntPtr entry = BreakloopEntry.Value;
        if (entry == IntPtr.Zero) return;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            ((delegate* unmanaged<IntPtr, void>)entry)(handle.DangerousGetHandle());
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>The same file SharpPcap loads (its resolver tries these names in this order), so the same pcap_t world.</summary>
    private static IntPtr FindBreakloop()
    {
        foreach (var name in new[] { "libpcap.so", "libpcap.so.0", "libpcap.so.0.8", "libpcap.so.1", "libpcap.dylib" })
            if (NativeLibrary.TryLoad(name, out var lib) && NativeLibrary.TryGetExport(lib, "pcap_breakloop", out var entry))
                return entry;
        return IntPtr.Zero;
    }
}
