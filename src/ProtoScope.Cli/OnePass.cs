using ProtoScope.Capture;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

/// <summary>Runs a whole capture file through the session with reassembly on, for the verbs that read streams.</summary>
internal static class OnePass
{
    /// <summary>
    /// Reads every packet, then finishes the reassembler. Returns null on success, else the one-line reason the
    /// file could not be read to its end (the packets before it were processed). A warning when the
    /// conversation limit was reached goes to <paramref name="ctx"/>'s stderr.
    /// </summary>
    public static string? Run(CliContext ctx, string path, Reassembler reassembler, int maxConversations, Action<ReassemblyNote>? noted = null)
    {
        using var source = CaptureFile.Open(path);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit, maxConversations: maxConversations) { Reassembly = reassembler };
        if (noted is not null) reassembler.Noted += noted;
        ReadStatus status;
        string? error = null;
        while ((status = source.ReadDecoded(out var header, out var data, ref session.Next)) != ReadStatus.End)
        {
            if (status == ReadStatus.Error)
            {
                error = $"{source.Error}; the {session.PacketCount} packets before it are shown";
                break;
            }
            session.AddDecoded(header, data);
        }
        reassembler.Finish(session.PacketCount);
        ctx.Warn(CommonOptions.LimitWarning(session));
        return error;
    }
}
