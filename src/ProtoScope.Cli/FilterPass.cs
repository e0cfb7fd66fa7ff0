using ProtoScope.Capture;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

/// <summary>
/// What <c>-Y</c> selects in the verbs that show conversations rather than packets (conns, frames, follow): the
/// conversations with at least one packet the filter keeps. Messages and streams are cut only after many packets,
/// so frames and follow read the file once to choose and once to show.
/// </summary>
internal static class FilterPass
{
    /// <summary>A pass's step that notes the conversation (transport, tcp.stream or udp.stream) of every packet <paramref name="filter"/> keeps.</summary>
    public static Action<CaptureSession> CollectMatching(DisplayFilter filter, HashSet<(Transport, int)> into) => session =>
    {
        ref readonly var a = ref session.CurrentAnalysis;
        if (a.Conversation >= 0 && filter.Matches(session.Current, a)) into.Add((session.Current.Transport, a.Conversation));
    };

    /// <summary>
    /// The conversations of <paramref name="path"/> with a packet <paramref name="filter"/> keeps, numbered as a
    /// pass with the same <paramref name="maxConversations"/> numbers them. A damaged file yields those before the
    /// damage; the pass that shows them reports it.
    /// </summary>
    public static HashSet<(Transport, int)> Conversations(string path, DisplayFilter filter, int maxConversations)
    {
        var matching = new HashSet<(Transport, int)>();
        using var source = CaptureFile.Open(path);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit, maxConversations: maxConversations);
        SessionReader.ReadAll(source, session, CollectMatching(filter, matching));
        return matching;
    }

    /// <summary>
    /// The TCP stream of the first packet <paramref name="filter"/> keeps, and that packet's frame, as Wireshark
    /// follows the stream of the packet selected in a filtered list; null when no TCP packet of a tracked
    /// connection matches.
    /// </summary>
    public static (int Stream, long Frame)? FirstTcpStream(string path, DisplayFilter filter, int maxConversations)
    {
        using var source = CaptureFile.Open(path);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit, maxConversations: maxConversations);
        while (source.ReadDecoded(out var header, out var data, ref session.Next) == ReadStatus.Packet)
        {
            session.AddDecoded(header, data);
            ref readonly var a = ref session.CurrentAnalysis;
            if (session.Current.Transport == Transport.Tcp && a.Conversation >= 0 && filter.Matches(session.Current, a))
                return (a.Conversation, a.Frame);
        }
        return null;
    }
}
