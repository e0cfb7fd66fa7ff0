using ProtoScope.Core.Filtering;

namespace ProtoScope.Tui;

/// <summary>The help screen's text (<c>?</c>): the key map's commands (<see cref="KeyMap"/>), and the keys views keep to themselves.</summary>
public static class HelpText
{
    private static readonly string Indent = new(' ', 15);

    /// <summary>The help screen's lines are kept within this many columns where a view has many keys.</summary>
    private const int Columns = 110;

    /// <summary>The commands of <paramref name="group"/> as <see cref="KeyMap.Describe"/> writes them, on as many indented lines as they need.</summary>
    private static string Wrapped<T>(IReadOnlyList<KeyCommand<T>> map, string group)
    {
        var text = new System.Text.StringBuilder();
        int line = Indent.Length;
        foreach (var c in map.Where(c => c.Group == group))
        {
            string item = $"{c.Shown} {c.Help}";
            if (text.Length > 0)
            {
                text.Append(',');
                if (line + item.Length + 2 > Columns)
                {
                    text.Append('\n').Append(Indent);
                    line = Indent.Length;
                }
                else
                {
                    text.Append(' ');
                    line += 2;
                }
            }
            text.Append(item);
            line += item.Length;
        }
        return text.ToString();
    }

    public static readonly string Text = $"""
        Views          {KeyMap.Describe(KeyMap.Main, "Views", "   ")}
        Conversation   {KeyMap.Describe(KeyMap.Main, "Conversation")} of the selected packet's or connection's conversation;
        {Indent}Enter on an arrow, frame or follow line selects its packet in the packet list
        Graph          {Wrapped(KeyMap.Graph, "Graph")}
        I/O graph      {Wrapped(KeyMap.IoGraph, "I/O graph")};
        {Indent}in the input row Enter applies, Esc closes it
        Ladder         e expands or collapses runs of data and ACKs
        Frames         {KeyMap.Describe(KeyMap.Frames, "Frames")}
        Move           arrows, PgUp/PgDn, Home/End, mouse; Tab moves between panes
        Follow         End (or G) selects the newest packet and keeps it in view as packets arrive
        Filter         {KeyMap.Describe(KeyMap.Main, "Filter")}
        Step           {KeyMap.Describe(KeyMap.Main, "Step")}
        Lesson         {KeyMap.Describe(KeyMap.Main, "Lesson")}
        Pause          {KeyMap.Describe(KeyMap.Main, "Pause")}
        Replay         {KeyMap.Describe(KeyMap.Main, "Replay")} ({string.Join(", ", CaptureModel.Speeds.Select(CaptureModel.SpeedText))})
        Save           {KeyMap.Describe(KeyMap.Main, "Save")}
        Connections    {KeyMap.Describe(KeyMap.Connections, "Connections")}
        Help           {KeyMap.Describe(KeyMap.Main, "Help")}
        Quit           {KeyMap.Describe(KeyMap.Main, "Quit")}

        Row markers    {Packets.PacketText.Legend}

        Filter language (Wireshark's names where it has one):
          {string.Join(" ", FilterFields.AllNames())}
          == != < <= > >=   and && or || not ! ( )
          e.g.  tcp.port == 53 and not handshake     ip.addr == 10.0.0.1 || udp     frame.len > 1000
        """;
}
