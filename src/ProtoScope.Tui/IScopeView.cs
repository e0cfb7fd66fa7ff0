namespace ProtoScope.Tui;

/// <summary>
/// One of the main window's views (Packets, Connections, Ladder, Frames, Follow, Expert, Graph, I/O graph): its own
/// content and a tick to pick up what the reader added.
/// </summary>
/// <remarks>
/// Adding a view takes: a class implementing this (derived from <see cref="Streams.ConversationView"/> when it shows
/// one conversation, so that <see cref="MainWindow.SelectedConversation"/> and the conversation keys know it); a
/// property on <see cref="MainWindow"/> that builds it the first time it is shown; its number key in
/// <see cref="KeyMap.Main"/>, and for a conversation view a key that opens it on the selected conversation (a
/// <c>Label</c> puts it on the key bar; the help screen lists both from the map); its own keys in
/// <see cref="HandleKey"/>, described in <see cref="HelpText"/> unless they are in <see cref="KeyMap"/>; the list of
/// views in this summary and in <see cref="MainWindow"/>'s; and a headless test in ProtoScope.Tui.Tests.
/// </remarks>
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
