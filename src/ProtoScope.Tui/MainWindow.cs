using System.Globalization;
using ProtoScope.Capture;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Session;
using ProtoScope.Tui.Connections;
using ProtoScope.Tui.Graphs;
using ProtoScope.Tui.Lessons;
using ProtoScope.Tui.Packets;
using ProtoScope.Tui.Streams;

namespace ProtoScope.Tui;

/// <summary>
/// The main screen: a header with the capture's name and load progress, the view in front (Packets,
/// Connections, Ladder, Frames, Follow, Expert, Graph, I/O graph), the lesson pane when shown, the display filter bar, the colour legend, a
/// status line and the key bar. A timer on the UI thread picks up what the reader thread added, ten times a second.
/// Its keys are <see cref="KeyMap.Main"/>; the rules of pausing, stepping and replay speed are the model's
/// (<see cref="CaptureModel"/>).
/// <para>
/// One packet is the current one: the packet list's selection. The lesson pane explains it and the Ladder's cursor
/// sits on its arrow; moving the Ladder's cursor selects its packet in the list. n and b step through the packets
/// (in the Ladder, through its connection's).
/// </para>
/// </summary>
public sealed class MainWindow : Window
{
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);

    private readonly IApplication _app;
    private readonly CaptureModel _model;
    private readonly View _content;
    private readonly Label _header;
    private readonly ProgressBar _progress;
    private readonly Label _status;
    private ConnectionsView? _connections;
    private ExpertView? _expert;
    private LadderView? _ladder;
    private FramesView? _frames;
    private FollowView? _follow;
    private TcpGraphView? _graph;
    private IoGraphView? _ioGraph;
    private IScopeView _current;
    private string? _message;
    private FilterRun? _filter;
    private object? _timer;
    private readonly CancellationToken _quitting;
    private readonly LessonBook _lessons;
    /// <summary>The row the lesson pane explains (-1: none selected; -2: nothing written yet).</summary>
    private int _lessonRow = -2;
    private readonly LessonMessages _lessonMessages;
    /// <summary>The lesson shown was written before its packet's messages were framed: write it again when they are.</summary>
    private bool _lessonWaits;
    private bool _syncing;
    /// <summary>n was pressed on the newest packet and let a step go: the list moves to the first packet it brings.</summary>
    private int _advanceFrom = -1;

    /// <param name="quitting">Cancelled when the UI is ending on a signal or a lost terminal: a dialog that returns then does nothing.</param>
    /// <param name="lessons">The lesson pane's texts; English when null.</param>
    public MainWindow(IApplication app, CaptureModel model, CancellationToken quitting = default, LessonBook? lessons = null)
    {
        _app = app;
        _model = model;
        _quitting = quitting;
        _lessons = lessons ?? LessonBook.Load(LessonBook.Languages[0]);
        _lessonMessages = new LessonMessages(model);
        Title = $"ProtoScope — {model.Name}";
        BorderStyle = LineStyle.None;
        Width = Dim.Fill();
        Height = Dim.Fill();

        // File names and filters are shown as typed: no '_' hotkey markup in these labels.
        _header = new Label { X = 0, Y = 0, Width = Dim.Fill(32), Height = 1, HotKeySpecifier = (System.Text.Rune)0xFFFF };
        _progress = new ProgressBar { X = Pos.AnchorEnd(31), Y = 0, Width = 30, Height = 1, ProgressBarStyle = ProgressBarStyle.Continuous };
        _content = new View { X = 0, Y = 1, Width = Dim.Fill(), Height = Dim.Fill(4), CanFocus = true };

        var filterLabel = new Label { X = 0, Y = Pos.AnchorEnd(4), Text = "Filter (/):" };
        FilterField = new TextField { X = Pos.Right(filterLabel) + 1, Y = Pos.AnchorEnd(4), Width = Dim.Fill() };
        FilterField.Accepting += (_, e) =>
        {
            ApplyFilter(FilterField.Text);
            e.Handled = true;
        };
        var legend = new Label { X = 0, Y = Pos.AnchorEnd(3), Width = Dim.Fill(), Text = "Legend: " + PacketText.Legend };
        _status = new Label { X = 0, Y = Pos.AnchorEnd(2), Width = Dim.Fill(), Height = 1, HotKeySpecifier = (System.Text.Rune)0xFFFF };
        var keys = new StatusBar(KeyMap.Main.Where(c => c.Label is not null)
            .Select(c => new Shortcut(c.Keys[0], c.Label, () => c.Run(this, c.Keys[0]))));

        Packets = new PacketsView(model) { Follow = model.Kind != CaptureKind.File };
        Packets.PacketSelected += PacketSelected;
        _current = Packets;
        _content.Add(Packets.View);
        Lesson = new LessonPane
        {
            Title = $"{_lessons["ui.title"]} ({_lessons["ui.keys"]})",
            X = 0,
            Y = Pos.Bottom(_content),
            Width = Dim.Fill(),
            Height = Dim.Fill(4),
            Visible = false,
        };

        Add(_header, _progress, _content, Lesson, filterLabel, FilterField, legend, _status, keys);
        // The window's keys go first, before the focused pane's: an empty list would otherwise swallow letters
        // (TableView's type-to-search), and the list's own End and Enter would hide the views' meanings for them.
        _app.Keyboard.KeyDown += OnAppKeyDown;
        Initialized += (_, _) =>
        {
            Packets.Shown();
            _timer = _app.AddTimeout(TickInterval, () =>
            {
                Tick();
                return true;
            });
        };
        Tick();
        // The demo's steps after the first wait for the window, so that the class sees them arrive rather than a
        // screen that opens on a finished exchange.
        _model.Demo?.Shown();
    }

    public PacketsView Packets { get; }

    // The other views are built the first time they are shown: building their tables at start-up delayed the first
    // screen of packets (see docs/performance.md).
    public ConnectionsView Connections => _connections ??= new ConnectionsView(_model, c => OpenView(c.Transport == Transport.Tcp ? Ladder : Frames, c), OpenConversation);
    public LadderView Ladder => _ladder ??= NewLadder();
    public FramesView Frames => _frames ??= new FramesView(_model, SelectPacket);
    public FollowView Follow => _follow ??= new FollowView(_model, SelectPacket);
    public ExpertView Expert => _expert ??= new ExpertView(_model, SelectPacket);
    public TcpGraphView Graph => _graph ??= new TcpGraphView(_app, _model, SelectPacket);
    public IoGraphView IoGraph => _ioGraph ??= new IoGraphView(_app, _model);
    public TextField FilterField { get; }
    public LessonPane Lesson { get; }

    /// <summary>
    /// Whether the lesson pane is shown, below the view in front; in the Packets view it takes the place of the
    /// detail tree and the bytes.
    /// </summary>
    public bool LessonShown
    {
        get => Lesson.Visible;
        set
        {
            Lesson.Visible = value;
            // The view keeps a little under half: at 80×24 the list shows its header and six rows, the lesson seven lines.
            _content.Height = value ? Dim.Percent(45) : Dim.Fill(4);
            Packets.ShowsDetails = !value;
            _lessonRow = -2;
            ShowLesson(Packets.SelectedRow);
        }
    }

    public void ToggleLesson() => LessonShown = !LessonShown;

    private LadderView NewLadder()
    {
        var ladder = new LadderView(_model, SelectPacket);
        ladder.PacketPointed += frame => SelectQuietly((int)(frame - 1));
        return ladder;
    }
    public IScopeView Current => _current;
    public string StatusText => _status.Text;

    /// <summary>Picks up new packets and filter results, and refreshes the header and status line.</summary>
    public void Tick()
    {
        // The view in front first: a growing ladder has the new packet's arrow before the list selects it.
        _current.Tick();
        if (!ReferenceEquals(_current, Packets)) Packets.Tick();
        MoveToArrived();
        if (_lessonWaits) ShowLesson(Packets.SelectedRow, again: true);
        var table = _model.Table;
        int count = table.Count;
        string state = _model.State switch
        {
            CaptureState.Reading => _model.Kind switch
            {
                CaptureKind.Live => "capturing",
                CaptureKind.Replay => $"replaying at {CaptureModel.SpeedText(_model.Speed)}",
                _ => "loading",
            },
            CaptureState.Paused => "paused",
            CaptureState.Done => _model.Kind == CaptureKind.Replay ? "replay finished" : "loaded",
            CaptureState.Stopped => "stopped",
            _ => "failed",
        };
        if (Packets.Frozen) state += ", view frozen";
        double? progress = _filter is { IsScanning: true } f && count > 0 ? (double)f.Scanned / count : _model.Progress;
        string what = _filter is { IsScanning: true } ? "filtering" : state;
        _header.Text = $"{_model.Kind.ToString().ToLowerInvariant()} {_model.Name}: {what}" +
            (progress is { } p && p < 1 ? $" {p * 100:F0}%" : "");
        _progress.Visible = progress is { } q && q < 1;
        if (progress is { } fraction) _progress.Fraction = (float)fraction;

        var sb = new System.Text.StringBuilder();
        sb.Append(count.ToString("N0", CultureInfo.InvariantCulture)).Append(" packets");
        if (_filter is not null) sb.Append(", ").Append(Packets.Source.Rows.ToString("N0", CultureInfo.InvariantCulture)).Append(" shown");
        sb.Append(" | ").Append(FormatBytes(_model.Bytes));
        if (_model.DroppedPackets?.Invoke() is { } drops) sb.Append(" | drops ").Append(drops.ToString(CultureInfo.InvariantCulture));
        sb.Append(" | filter: ").Append(_filter?.Filter.Text ?? "none");
        if (_model.Kind != CaptureKind.File && !Packets.Follow) sb.Append(" | follow off (End)");
        if (_model.Error is { } error) sb.Append(" | ").Append(error);
        if (_model.Demo is { } demo) sb.Append(" | ").Append(DemoText(demo));
        if (_message is not null) sb.Append(" | ").Append(_message);
        _status.Text = sb.ToString();
    }

    /// <summary>Parses and applies a display filter; a mistake goes to the status line with its column, the list stays as it was.</summary>
    public bool ApplyFilter(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            _filter?.Dispose();
            _filter = null;
            Packets.SetFilter(null);
            _message = "filter cleared";
            Show(Packets);
            Tick();
            return true;
        }
        if (!DisplayFilter.TryParse(text, out var filter, out var error))
        {
            _message = $"bad filter: {error}";
            Tick();
            return false;
        }
        _filter?.Dispose();
        _filter = new FilterRun(_model.Table, filter!);
        Packets.SetFilter(_filter);
        _message = null;
        Show(Packets);
        Tick();
        return true;
    }

    /// <summary>What the demo is doing, for the status line.</summary>
    private static string DemoText(DemoSteps demo)
    {
        if (demo.Failure is { } failure) return $"demo failed: {failure}";
        string said = demo.LastSaid ?? "starting";
        return demo.Waiting ? $"next: {said} (press n)" : said;
    }

    /// <summary>Brings <paramref name="view"/> to the front.</summary>
    public void Show(IScopeView view)
    {
        if (!ReferenceEquals(view, _current))
        {
            _content.Remove(_current.View);
            _current = view;
            _content.Add(view.View);
        }
        view.Shown();
        view.Tick();
        if (view is LadderView ladder && Packets.SelectedRow >= 0) ladder.Highlight(Packets.SelectedRow + 1L);
    }

    /// <summary>The packet list's selection moved: the lesson and the ladder follow.</summary>
    private void PacketSelected(int row)
    {
        ShowLesson(row);
        if (row < 0 || _ladder?.Conversation is not { } shown || _syncing) return;
        if (_model.Session.Conversations.Of(_model.Table[row]) == shown) _ladder.Highlight(row + 1L);
    }

    private void ShowLesson(int row, bool again = false)
    {
        if (!Lesson.Visible || row == _lessonRow && !again) return;
        _lessonRow = row;
        _lessonWaits = false;
        if (row < 0)
        {
            Lesson.SetParagraphs([_lessons["ui.none"]]);
            return;
        }
        var r = _model.Table[row];
        IReadOnlyList<Core.Framing.FramedMessage>? messages = null;
        if (r.PayloadLength > 0 && r.Transport == Transport.Tcp && _model.Session.Conversations.Of(r) is { } c)
        {
            messages = _lessonMessages.Of(c);
            _lessonWaits = messages is null || _lessonMessages.Building;
        }
        var paragraphs = LessonText.Of(_model.Table, _model.Session.Conversations, row, _lessons, messages);
        // Written again for the messages: the pane keeps its scroll position only when the text is the same.
        if (again && paragraphs.SequenceEqual(Lesson.Paragraphs)) return;
        Lesson.SetParagraphs(paragraphs);
    }

    /// <summary>Selects table row <paramref name="row"/> in the packet list without bringing it to the front (the Ladder's cursor moved).</summary>
    private void SelectQuietly(int row)
    {
        if (row < 0 || row >= _model.Table.Count) return;
        _syncing = true;
        try
        {
            if (_filter is { } f && f.Rows.IndexOf(row) < 0)
            {
                FilterField.Text = "";
                ApplyFilter("");
            }
            Packets.SelectTableRow(row);
        }
        finally
        {
            _syncing = false;
        }
    }

    /// <summary>
    /// n and b: the next or the previous packet. In the Ladder, the next or previous of its connection; elsewhere the
    /// next or previous row of the packet list. Past the newest packet, n lets a paused replay or a demo run with
    /// --step go one step on (<see cref="CaptureModel.Step"/>).
    /// </summary>
    public void StepPacket(int step)
    {
        if (_current is LadderView { Conversation: { } c } ladder)
        {
            int current = Packets.SelectedRow;
            int next = NextInConversation(c, current, step);
            if (next >= 0)
            {
                SelectQuietly(next);
                ladder.Highlight(next + 1L);
                _message = $"packet {next + 1}";
            }
            else if (step > 0 && current >= 0) StepCapture(Packets.Source.PositionOf(current));
            Tick();
            return;
        }
        // Showing the list picks up the packets that arrived since the last tick: the step counts from them.
        Show(Packets);
        MoveToArrived();
        int row = Packets.SelectedRow;
        int position = row < 0 ? -1 : Packets.Source.PositionOf(row);
        int target = position + step;
        if (target >= 0 && target < Packets.Source.Rows)
        {
            Packets.Follow = false;
            Packets.MoveTo(target);
            _message = $"packet {Packets.SelectedRow + 1}";
        }
        else if (step > 0) StepCapture(position);
        Tick();
    }

    /// <summary>After n let a step go: selects the first packet it brought, once it is in the list.</summary>
    private void MoveToArrived()
    {
        if (_advanceFrom < 0 || _advanceFrom + 1 >= Packets.Source.Rows) return;
        Packets.MoveTo(_advanceFrom + 1);
        _advanceFrom = -1;
    }

    /// <summary>The table row of the next (or previous) packet of conversation <paramref name="c"/> after <paramref name="row"/>, or -1.</summary>
    private int NextInConversation(Conversation c, int row, int step)
    {
        var table = _model.Table;
        int count = table.Count;
        for (int r = row + step; r >= c.FirstFrame - 1 && r < count; r += step)
            if (table.BelongsTo(r, c)) return r;
        return -1;
    }

    /// <summary>
    /// The conversation the user points at: the Connections view's selected row, the conversation a Ladder, Frames
    /// or Follow view shows, else the selected packet's.
    /// </summary>
    public Conversation? SelectedConversation()
    {
        if (_current is ConnectionsView connections) return connections.Selected;
        if (_current is ConversationView { Conversation: { } shown }) return shown;
        int row = Packets.SelectedRow;
        return row < 0 ? null : _model.Session.Conversations.Of(_model.Table[row]);
    }

    /// <summary>Opens <paramref name="view"/> for the selected conversation (see <see cref="SelectedConversation"/>).</summary>
    public void OpenSelected(ConversationView view)
    {
        if (SelectedConversation() is { } c) OpenView(view, c);
        else
        {
            _message = "select a TCP or UDP packet or connection first";
            Tick();
        }
    }

    private void OpenView(ConversationView view, Conversation c)
    {
        _message = null;
        view.Open(c);
        Show(view);
    }

    /// <summary>Selects packet <paramref name="frame"/> in the packet list and shows it; a filter that hides it is cleared first.</summary>
    public void SelectPacket(long frame)
    {
        int row = (int)(frame - 1);
        if (row < 0 || row >= _model.Table.Count) return;
        if (_filter is { } f && f.Rows.IndexOf(row) < 0)
        {
            FilterField.Text = "";
            ApplyFilter("");
        }
        Show(Packets);
        Packets.SelectTableRow(row);
        _message = $"packet {frame}";
        Tick();
    }

    private void OpenConversation(Conversation c)
    {
        string field = c.Transport == Transport.Tcp ? "tcp.stream" : "udp.stream";
        string text = $"{field} == {c.Id}";
        FilterField.Text = text;
        ApplyFilter(text);
    }

    private void OnAppKeyDown(object? sender, Key key)
    {
        if (!key.Handled && ReferenceEquals(_app.TopRunnableView, this) && HandleKey(key)) key.Handled = true;
    }

    /// <summary>The main window's keys (<see cref="KeyMap.Main"/>), after the view's own; false leaves the key to the focused pane.</summary>
    public bool HandleKey(Key key)
    {
        if (FilterField.HasFocus)
        {
            if (key == Key.Esc)
            {
                FilterField.Text = _filter?.Filter.Text ?? "";
                _current.Shown();
                return true;
            }
            return false;
        }
        // A view's own input row (the I/O graph's filter or interval) takes what is typed: no window key applies there.
        if (_current.View.MostFocused is TextField) return _current.HandleKey(key);
        return _current.HandleKey(key) || KeyMap.Run(KeyMap.Main, this, key);
    }

    public void Quit() => _app.RequestStop();

    /// <summary>
    /// Pauses or resumes reading where the model can (<see cref="CaptureModel.CanPause"/>); a live capture reads on
    /// and its list freezes instead.
    /// </summary>
    public void TogglePause()
    {
        if (!_model.CanPause)
        {
            Packets.Frozen = !Packets.Frozen;
            _message = Packets.Frozen ? "view frozen; the capture goes on (Space to resume)" : null;
        }
        else
        {
            switch (_model.TogglePause())
            {
                case CaptureState.Paused:
                    _message = _model.Kind == CaptureKind.Replay ? "paused: n steps one packet, Space resumes" : "paused";
                    break;
                case CaptureState.Reading:
                    _message = null;
                    break;
            }
        }
        Tick();
    }

    /// <summary>
    /// n past the newest packet (list position <paramref name="position"/>): a paused replay lets one packet through, a
    /// demo run with --step its next step (<see cref="CaptureModel.Step"/>); the list then moves to the first packet
    /// that brings, rather than following to the last, so the class sees the steps one by one.
    /// </summary>
    private void StepCapture(int position)
    {
        if (!_model.Step()) return;
        Packets.Follow = false;
        _advanceFrom = position;
        _message = _model.Demo is not null ? "next demo step" : "stepped one packet";
    }

    /// <summary>Replay: the next speed up or down (<see cref="CaptureModel.Speeds"/>).</summary>
    public void ChangeSpeed(bool faster)
    {
        if (!(faster ? _model.Faster() : _model.Slower())) return;
        _message = $"replay speed {CaptureModel.SpeedText(_model.Speed)}";
        Tick();
    }

    /// <summary>Stops a live capture or replay, then asks where to save the packets shown (all of them without a filter).</summary>
    public void Save()
    {
        if (_model.Kind != CaptureKind.File && _model.State is CaptureState.Reading or CaptureState.Paused)
            _model.Stop();
        using var dialog = new SaveDialog { Title = "Save packets as pcap" };
        _app.Run(dialog);
        if (_quitting.IsCancellationRequested || dialog.Canceled || string.IsNullOrEmpty(dialog.Path)) return;
        SaveTo(dialog.Path);
    }

    /// <summary>Writes the packets shown (the filter's rows, or all) to <paramref name="path"/>; the outcome goes to the status line.</summary>
    public void SaveTo(string path)
    {
        try
        {
            var rows = _filter is { } f ? Enumerable.Range(0, f.Rows.Count).Select(i => f.Rows[i]) : null;
            int n = CaptureFileSaver.Save(_model.Table, path, rows);
            _message = $"saved {n} packets to {path}";
        }
        catch (CaptureError e)
        {
            _message = e.Message;
            MessageBox.ErrorQuery(_app, "Save failed", e.Message, "OK");
        }
        Tick();
    }

    public void ShowHelp()
    {
        using var dialog = new Dialog { Title = "ProtoScope keys", Width = Dim.Percent(80), Height = Dim.Percent(80) };
        dialog.Add(new Label { X = 1, Y = 1, Width = Dim.Fill(1), Height = Dim.Fill(1), Text = HelpText.Text });
        dialog.AddButton(new Button { Text = "OK", IsDefault = true });
        _app.Run(dialog);
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1 << 10 => $"{bytes} B",
        < 1 << 20 => $"{bytes / 1024.0:F1} KiB",
        < 1 << 30 => $"{bytes / 1048576.0:F1} MiB",
        _ => $"{bytes / 1073741824.0:F2} GiB",
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _app.Keyboard.KeyDown -= OnAppKeyDown;
            if (_timer is not null) _app.RemoveTimeout(_timer);
            _filter?.Dispose();
        }
        base.Dispose(disposing);
    }
}
