using ProtoScope.Core.Filtering;

namespace ProtoScope.Tui;

/// <summary>The help screen's text (<c>?</c>).</summary>
public static class HelpText
{
    public static readonly string Text = $"""
        Views          1 Packets   2 Connections   3 Ladder   4 Frames   5 Follow
        Conversation   l ladder, f frames, F (or w) follow of the selected packet's or connection's conversation;
                       Enter on an arrow, frame or follow line selects its packet in the packet list
        Ladder         e expands or collapses runs of data and ACKs
        Move           arrows, PgUp/PgDn, Home/End, mouse; Tab moves between panes
        Follow         End (or G) selects the newest packet and keeps it in view as packets arrive
        Filter         / then a display filter and Enter; empty clears it; Esc leaves the bar
        Pause          Space: live capture freezes the view (capture goes on); replay stops its clock
        Replay         n step one packet, + faster, - slower (1x, 2x, 10x, max)
        Save           s stops a live capture or replay and saves the packets shown to a pcap file
        Connections    < > pick the sort column, r reverses, Enter opens its ladder (UDP: frames), p its packets
        Quit           q

        Row markers    {Packets.PacketText.Legend}

        Filter language (Wireshark's names where it has one):
          {string.Join(" ", FilterFields.AllNames())}
          == != < <= > >=   and && or || not ! ( )
          e.g.  tcp.port == 53 and not handshake     ip.addr == 10.0.0.1 || udp     frame.len > 1000
        """;
}
