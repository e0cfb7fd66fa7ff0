namespace ProtoScope.Tui;

/// <summary>
/// One of the main window's views (Packets, Connections, Ladder, Frames, Follow): its own content and a tick to pick up what the reader added. Adding a view
/// is one class implementing this and one line, its key, in <see cref="MainWindow"/>'s list.
/// </summary>
public interface IScopeView
{
    string Title { get; }

    View View { get; }

    /// <summary>Called on the UI thread about ten times a second while the view is shown.</summary>
    void Tick();

    /// <summary>Called when the view becomes the one shown.</summary>
    void Shown();

    /// <summary>The view's own keys, offered before the main window's; true when handled.</summary>
    bool HandleKey(Key key);
}
