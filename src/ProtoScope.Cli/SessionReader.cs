using ProtoScope.Capture;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

/// <summary>Runs a whole capture file through the one pass, for the verbs that report after the last packet.</summary>
internal static class SessionReader
{
    /// <summary>
    /// Adds every packet to <paramref name="session"/>, calling <paramref name="afterEach"/> after each (the packet
    /// and its analysis are valid only during the call). Returns an error message for a damaged file, or null.
    /// </summary>
    public static string? ReadAll(IPacketSource source, CaptureSession session, Action<CaptureSession>? afterEach)
    {
        ReadStatus status;
        while ((status = source.ReadDecoded(out var header, out var data, ref session.Next)) != ReadStatus.End)
        {
            if (status == ReadStatus.Error)
                return $"{source.Error}; stopped after {session.PacketCount} packets";
            session.AddDecoded(header, data);
            afterEach?.Invoke(session);
        }
        return null;
    }
}
