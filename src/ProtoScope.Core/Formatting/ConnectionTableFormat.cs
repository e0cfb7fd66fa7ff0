using System.Globalization;
using System.Text;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Formatting;

/// <summary>The `conns` text table: one line per connection, the columns a teacher reads out (how it opened and closed, Zeek's state and history).</summary>
public static class ConnectionTableFormat
{
    public static string Header { get; } = Columns("id", "proto", "originator -> responder", "open", "close", "state", "history", "pkts o/r", "bytes o/r", "duration");

    public static string Line(Conversation c)
    {
        string ends = EndpointText.Of(c.OrigAddress, c.OrigPort) + " -> " + EndpointText.Of(c.RespAddress, c.RespPort);
        string open = "", close = "", state, history;
        long ob, rb;
        if (c is TcpConnection t)
        {
            open = t.Open.Name();
            close = t.Close.Name();
            state = t.ConnState;
            history = t.History.ToString();
            (ob, rb) = (t.OrigBytes, t.RespBytes);
        }
        else
        {
            var u = (UdpConversation)c;
            state = u.ConnState;
            history = u.History.ToString();
            (ob, rb) = (u.OrigBytes, u.RespBytes);
        }
        return Columns(c.Id.ToString(CultureInfo.InvariantCulture), c.Proto, ends, open, close, state, history,
            $"{c.Orig.Packets}/{c.Resp.Packets}", $"{ob}/{rb}",
            ((c.EndTime - c.StartTime) / 1e9).ToString("F6", CultureInfo.InvariantCulture));
    }

    private static string Columns(string id, string proto, string ends, string open, string close, string state, string history,
        string pkts, string bytes, string duration)
    {
        var sb = new StringBuilder(160);
        sb.Append(id.PadLeft(5)).Append(' ').Append(proto.PadRight(5)).Append(' ').Append(ends.PadRight(47)).Append(' ');
        sb.Append(open.PadRight(17)).Append(' ').Append(close.PadRight(13)).Append(' ').Append(state.PadRight(6)).Append(' ');
        sb.Append(history.PadRight(12)).Append(' ').Append(pkts.PadLeft(10)).Append(' ').Append(bytes.PadLeft(14)).Append(' ');
        sb.Append(duration.PadLeft(11));
        return sb.ToString().TrimEnd();
    }
}
