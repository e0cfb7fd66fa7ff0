using ProtoScope.Capture;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;
using ProtoScope.Tui.Lessons;
using Terminal.Gui.Text;

namespace ProtoScope.Tui.Tests;

/// <summary>
/// The lesson texts: every role, state, state change, flag and analysis event has one in every language; the
/// changes the tracker makes on real captures are all among those explained; the lessons of a handshake name the
/// states a textbook names; Chinese wraps by terminal cells.
/// </summary>
public class LessonTests
{
    public static TheoryData<string> Languages => [.. LessonBook.Languages];

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_role_state_change_flag_and_analysis_event_has_a_text(string language)
    {
        var book = LessonBook.Load(language);
        Assert.Equal(language, book.Language);
        var missing = LessonKeys.All().Where(k => string.IsNullOrWhiteSpace(book.Find(k))).ToList();
        Assert.True(missing.Count == 0, $"{language} lacks: {string.Join(", ", missing)}");

        // Named here as well, so that a role, state or analysis flag added later fails this test until it is explained.
        foreach (var role in Enum.GetValues<PacketRole>()) Assert.False(string.IsNullOrWhiteSpace(book.Find($"role.{role}")), $"role {role}");
        foreach (var state in Enum.GetValues<TcpState>()) Assert.False(string.IsNullOrWhiteSpace(book.Find($"state.{state}")), $"state {state}");
        foreach (var info in TcpAnalysisNames.All) Assert.False(string.IsNullOrWhiteSpace(book.Find($"analysis.{info.Name}")), $"analysis flag {info.Name}");
        foreach (var flag in Enum.GetValues<TcpAnalysisFlags>().Where(f => f != TcpAnalysisFlags.None))
            Assert.Contains(TcpAnalysisNames.All, i => i.Flag == flag);
    }

    [Fact]
    public void Every_language_has_the_same_keys_and_no_others()
    {
        var expected = LessonKeys.All().Order(StringComparer.Ordinal).ToList();
        foreach (var language in LessonBook.Languages)
            Assert.Equal(expected, LessonBook.Load(language).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_locale_picks_the_language()
    {
        Assert.Equal("zh", LessonBook.LanguageOf(null, null, "zh_CN.UTF-8"));
        Assert.Equal("en", LessonBook.LanguageOf("C", null, "zh_CN.UTF-8"));
        Assert.Equal("zh", LessonBook.LanguageOf(null, "zh_TW", "en_US.UTF-8"));
        Assert.Equal("en", LessonBook.LanguageOf(null, null, null));
        Assert.Equal("en", LessonBook.Load("fr").Language);
    }

    /// <summary>The sample captures and the shared corpus, read through the one pass as the UI reads them.</summary>
    public static TheoryData<string> Captures =>
    [
        .. Directory.EnumerateFiles(Repo.Captures, "*.pcap").Order(StringComparer.Ordinal),
        .. Repo.CorpusCaptures().Where(c => c.Contains("tcp", StringComparison.OrdinalIgnoreCase) || c.Contains("zeek", StringComparison.OrdinalIgnoreCase))
            .Select(Repo.CorpusFile),
    ];

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_state_change_in_a_capture_is_one_the_lessons_explain(string path)
    {
        var (table, session) = Read(path);
        var known = LessonKeys.Moves.ToHashSet();
        var unexplained = new SortedSet<string>(StringComparer.Ordinal);
        for (int row = 0; row < table.Count; row++)
        {
            var r = table[row];
            if (r.Transport != Core.Decoding.Transport.Tcp || session.Conversations.Of(r) is not { } c) continue;
            var (sender, receiver) = LessonText.StatesBefore(table, c, row);
            bool reset = (r.Flags & Core.Decoding.TcpFlags.Rst) != 0;
            Check(new StateMove(LessonSide.Sent, sender, table.SenderState(row)));
            Check(new StateMove(LessonSide.Received, receiver, table.ReceiverState(row)));

            void Check(StateMove m)
            {
                if (m.From == m.To || reset && m.To == TcpState.Closed || known.Contains(m)) return;
                unexplained.Add($"{m.Side} {m.From.Name()} → {m.To.Name()} (frame {r.Frame})");
            }
        }
        Assert.True(unexplained.Count == 0, string.Join("\n", unexplained));
        // Every packet has a lesson, with no key missing from the file.
        for (int row = 0; row < Math.Min(table.Count, 2000); row++)
            foreach (var language in LessonBook.Languages)
                Assert.DoesNotContain(LessonText.Of(table, session.Conversations, row, LessonBook.Load(language)), p => p.Contains("[move.", StringComparison.Ordinal) || p.Contains("[role.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("en", "SYN-SENT", "SYN-RECEIVED", "three-way handshake")]
    [InlineData("zh", "SYN-SENT", "SYN-RECEIVED", "三次握手")]
    public void The_handshake_lessons_name_the_states_each_step_moves_to(string language, string first, string second, string words)
    {
        var (table, session) = Read(Path.Combine(Repo.Captures, "handshake.pcap"));
        var book = LessonBook.Load(language);
        string syn = string.Join("\n", LessonText.Of(table, session.Conversations, 0, book));
        string synAck = string.Join("\n", LessonText.Of(table, session.Conversations, 1, book));
        Assert.Contains($"CLOSED → {first}", syn);
        Assert.Contains("CLOSED → LISTEN", syn);
        Assert.Contains($"LISTEN → {second}", synAck);
        Assert.Contains($"{first} → ESTABLISHED", synAck);
        Assert.Contains(words, syn);
        Assert.StartsWith("#1 handshake 1/3 (SYN): 127.0.0.1:33730 → 127.0.0.1:9000", syn);
        // The SYN takes one sequence number: the first data byte is 1.
        Assert.Contains(language == "en" ? "the first data byte will be number 1" : "第一个数据字节的序号将是 1", syn);
    }

    [Theory]
    [InlineData("refused.pcap", "topic.refused")]
    [InlineData("half-close.pcap", "topic.half-close")]
    [InlineData("handshake.pcap", "topic.time-wait")]
    [InlineData("udp.pcap", "topic.udp")]
    [InlineData("sticky.pcap", "data.stream")]
    public void The_topics_show_up_on_the_packets_they_belong_to(string capture, string topic)
    {
        var (table, session) = Read(Path.Combine(Repo.Captures, capture));
        var book = LessonBook.Load("en");
        // The stream text carries the packet's length: compare its start.
        string text = book[topic].Split('{')[0];
        Assert.Contains(Enumerable.Range(0, table.Count), row => LessonText.Of(table, session.Conversations, row, book).Any(p => p.Contains(text, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(37)]
    [InlineData(78)]
    public void Wrapping_counts_cells_so_chinese_lines_never_overflow(int width)
    {
        var book = LessonBook.Load("zh");
        foreach (var key in LessonKeys.All())
            foreach (var paragraph in book[key].Split('\n'))
            {
                var lines = LessonPane.Wrap(paragraph, width);
                Assert.All(lines, l => Assert.True(l.GetColumns() <= width, $"{key}: '{l}' is {l.GetColumns()} cells"));
                Assert.Equal(paragraph.Replace(" ", ""), string.Concat(lines).Replace(" ", ""));
            }
        var english = LessonPane.Wrap(LessonBook.Load("en")["role.HandshakeAck"], width);
        Assert.All(english, l => Assert.True(l.Length <= width && !l.StartsWith(' ')));
    }

    private static (PacketTable Table, CaptureSession Session) Read(string path)
    {
        using var source = CaptureFile.Open(path);
        var table = new PacketTable(source.LinkType);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit, table);
        while (source.Read(out var header, out var data) is var status && status != ReadStatus.End)
            if (status == ReadStatus.Packet) session.Add(header, data);
        return (table, session);
    }
}
