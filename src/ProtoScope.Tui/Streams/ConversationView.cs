using ProtoScope.Core.Formatting;
using ProtoScope.Core.Session;

namespace ProtoScope.Tui.Streams;

/// <summary>
/// A view of one conversation (the Ladder, Frames and Follow views): opened for the connection of the selected
/// packet or the selected row of the Connections view, grown on each tick as the reader adds packets, and Enter
/// on a line that stands for a packet selects that packet in the packet list.
/// </summary>
public abstract class ConversationView : IScopeView
{
    private readonly Action<long> _selectPacket;

    protected ConversationView(CaptureModel model, string title, Action<long> selectPacket)
    {
        Model = model;
        Title = title;
        _selectPacket = selectPacket;
        Lines = new LineTable(title);
        View = new View { Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true };
        View.Add(Lines.Table);
        Lines.Set([new ScopeLine(Hint)]);
    }

    protected CaptureModel Model { get; }
    public string Title { get; }
    public View View { get; }
    public LineTable Lines { get; }

    /// <summary>The conversation shown; null until one is opened.</summary>
    public Conversation? Conversation { get; private set; }

    /// <summary>What the view says before a conversation is opened.</summary>
    protected abstract string Hint { get; }

    /// <summary>Shows <paramref name="conversation"/> from its first line.</summary>
    public void Open(Conversation conversation)
    {
        Conversation = conversation;
        Restart(conversation);
        Lines.Set([]);
        Refresh(force: true);
        if (Lines.Lines.Count > 0) Lines.Select(0);
    }

    public virtual void Shown()
    {
        // The column width is measured over the rows in view: lines set while the table was off screen (no
        // viewport yet) are measured again now.
        Lines.Table.Update();
        Lines.Table.SetFocus();
    }

    public void Tick()
    {
        if (Conversation is not null) Refresh(force: false);
    }

    public virtual bool HandleKey(Key key)
    {
        if (key == Key.Enter)
        {
            if (Lines.Selected is { Frame: > 0 } line) _selectPacket(line.Frame);
            return true;
        }
        return false;
    }

    /// <summary>Forgets what was built for the previous conversation.</summary>
    protected abstract void Restart(Conversation conversation);

    /// <summary>Picks up what the reader added for the conversation; rebuilds the lines when something changed (or when forced).</summary>
    protected abstract void Refresh(bool force);

    protected static string Endpoints(Conversation c) =>
        $"{c.Proto.ToUpperInvariant()} {c.Id}: {EndpointText.Of(c.OrigAddress, c.OrigPort)} (orig) ↔ {EndpointText.Of(c.RespAddress, c.RespPort)} (resp)";
}
