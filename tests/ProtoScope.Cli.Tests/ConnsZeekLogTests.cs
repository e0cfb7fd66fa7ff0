using System.Globalization;
using System.Text.Json;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// `conns --format zeek` and `--format zeek-json`: logs Zeek's readers accept (<see cref="ZeekLog"/>), with the rows
/// of `conns --format jsonl` for every field both have, over every trace of ../shared/corpus/zeek-conn; and, for the
/// one trace whose whole conn.log Zeek's tests keep, that log's values field by field.
/// </summary>
public class ConnsZeekLogTests
{
    private static string ZeekConn => Path.Combine(Repo.Corpus, "zeek-conn");

    public static TheoryData<string> Traces()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ZeekConn, "manifest.json")));
        return new(doc.RootElement.EnumerateArray().Select(e => e.GetProperty("trace").GetString()!).Distinct().Order(StringComparer.Ordinal));
    }

    private static string Micros(JsonElement seconds) =>
        decimal.Round(seconds.GetDecimal(), 6, MidpointRounding.AwayFromZero).ToString("0.000000", CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Traces))]
    public void Zeek_rows_equal_the_jsonl_rows(string trace)
    {
        string file = Path.Combine(ZeekConn, "traces", trace);
        var zeek = CliRunner.Run("conns", file, "--format", "zeek");
        Assert.Equal(0, zeek.ExitCode);
        var log = ZeekLog.Parse(zeek.Stdout);
        Assert.Equal("conn", log.Path);
        var ours = CliRunner.Run("conns", file, "--format", "jsonl").JsonLines().ToList();
        Assert.Equal(ours.Count, log.Rows.Count);

        for (int i = 0; i < ours.Count; i++)
        {
            var (o, z) = (ours[i], log.Rows[i]);
            Assert.Equal(o.GetProperty("orig_h").GetString(), z["id.orig_h"]);
            Assert.Equal(o.GetProperty("orig_p").GetRawText(), z["id.orig_p"]);
            Assert.Equal(o.GetProperty("resp_h").GetString(), z["id.resp_h"]);
            Assert.Equal(o.GetProperty("resp_p").GetRawText(), z["id.resp_p"]);
            Assert.Equal(o.GetProperty("proto").GetString(), z["proto"]);
            Assert.Equal(o.GetProperty("conn_state").GetString(), z["conn_state"]);
            Assert.Equal(o.GetProperty("history").GetString(), z["history"]);
            Assert.Equal(Micros(o.GetProperty("start")), z["ts"]);
            foreach (var field in new[] { "orig_pkts", "resp_pkts" })
                Assert.Equal(o.GetProperty(field).GetRawText(), z[field]);
            // Zeek's set_conn: duration and the sizes only for a connection that lasted.
            bool lasted = o.GetProperty("duration").GetDecimal() > 0;
            Assert.Equal(lasted ? Micros(o.GetProperty("duration")) : null, z["duration"]);
            Assert.Equal(lasted ? o.GetProperty("orig_bytes").GetRawText() : null, z["orig_bytes"]);
            Assert.Equal(lasted ? o.GetProperty("resp_bytes").GetRawText() : null, z["resp_bytes"]);
            Assert.Matches("^C[0-9A-Za-z]{11}$", z["uid"]);
        }
        Assert.Equal(log.Rows.Count, log.Rows.Select(r => r["uid"]).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Zeek_json_holds_the_tsv_values_and_leaves_unset_fields_out(string trace)
    {
        string file = Path.Combine(ZeekConn, "traces", trace);
        var log = ZeekLog.Parse(CliRunner.Run("conns", file, "--format", "zeek").Stdout);
        var json = CliRunner.Run("conns", file, "--format", "zeek-json").JsonLines().ToList();
        Assert.Equal(log.Rows.Count, json.Count);
        for (int i = 0; i < json.Count; i++)
        {
            var tsv = log.Rows[i];
            var names = json[i].EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(log.Fields.Where(f => tsv[f] is not null), names);
            foreach (var p in json[i].EnumerateObject())
            {
                // A set is a JSON array, and the TSV's values joined by the set separator.
                string text = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString()!,
                    JsonValueKind.Array => string.Join(',', p.Value.EnumerateArray().Select(v => v.GetString())),
                    _ => p.Value.GetRawText(),
                };
                if (p.Name is "ts" or "duration") text = Micros(p.Value);
                Assert.Equal(tsv[p.Name], text);
            }
        }
    }

    /// <summary>As in Zeek, a connection inside a UDP tunnel names the outer conversation's uid in tunnel_parents.</summary>
    [Fact]
    public void A_connection_in_a_vxlan_tunnel_names_its_carrier_in_tunnel_parents()
    {
        var log = ZeekLog.Parse(CliRunner.Run("conns", Path.Combine(ZeekConn, "traces", "tunnels", "vxlan-encapsulated-http.pcap"), "--format", "zeek").Stdout);
        var inner = Assert.Single(log.Rows, r => r["proto"] == "tcp");
        var outer = Assert.Single(log.Rows, r => r["proto"] == "udp" && r["id.resp_p"] == "4789");
        Assert.Equal(outer["uid"], inner["tunnel_parents"]);
        Assert.Null(outer["tunnel_parents"]);
    }

    /// <summary>Zeek's own conn.log for pcapng-multi-interface.pcapng (its test core.pcapng-pktsrc), timestamps masked by btest.</summary>
    [Fact]
    public void Rows_equal_zeeks_own_conn_log()
    {
        string baseline = File.ReadAllText(Path.Combine(Repo.Corpus, "zeek", "expected", "core.pcapng-pktsrc", "conn.log"));
        // Undo btest's masking so the reader can check the rest: its comment line, the header times and ts.
        baseline = string.Join('\n', baseline.Split('\n').Where(l => !l.StartsWith("###", StringComparison.Ordinal)))
            .Replace("#open XXXX-XX-XX-XX-XX-XX", "#open\t2000-01-01-00-00-00")
            .Replace("#close XXXX-XX-XX-XX-XX-XX", "#close\t2000-01-01-00-00-00")
            .Replace("XXXXXXXXXX.XXXXXX", "0.000000");
        var zeek = ZeekLog.Parse(baseline);
        var ours = ZeekLog.Parse(CliRunner.Run("conns", Path.Combine(Repo.Corpus, "zeek", "captures", "pcapng-multi-interface.pcapng"), "--format", "zeek").Stdout);

        Assert.Equal(zeek.Fields, ours.Fields);
        Assert.Equal(zeek.Types, ours.Types);
        Assert.Equal(zeek.Rows.Count, ours.Rows.Count);
        // Not compared: ts (masked), uid (random in Zeek), service (Zeek's analyzers), local_orig and local_resp
        // (Zeek's Site::local_nets).
        string[] skipped = ["ts", "uid", "service", "local_orig", "local_resp"];
        for (int i = 0; i < ours.Rows.Count; i++)
            foreach (var field in ours.Fields.Except(skipped))
                Assert.True(zeek.Rows[i][field] == ours.Rows[i][field], $"row {i} {field}: zeek {zeek.Rows[i][field]}, protoscope {ours.Rows[i][field]}");
    }

    [Fact]
    public void The_reader_refuses_what_zeeks_readers_refuse()
    {
        string good = CliRunner.Run("conns", Path.Combine(Repo.Root, "captures", "handshake.pcap"), "--format", "zeek").Stdout;
        ZeekLog.Parse(good);
        Assert.Throws<FormatException>(() => ZeekLog.Parse(good.Replace("\tSF\t", "\t\t")));
        Assert.Throws<FormatException>(() => ZeekLog.Parse(good.Replace("\t6\t", "\tsix\t")));
        Assert.Throws<FormatException>(() => ZeekLog.Parse(good[..good.IndexOf("#close", StringComparison.Ordinal)]));
    }
}
