using ProtoScope.Core.Filtering;

namespace ProtoScope.Core.Tests.Filtering;

/// <summary>The filter language's grammar: what parses to what, and where each mistake is reported.</summary>
public class FilterParserTests
{
    [Theory]
    [InlineData("tcp", "tcp")]
    [InlineData("  UDP ", "udp")]
    [InlineData("ip.addr == 10.0.0.1", "ip.addr == 10.0.0.1")]
    [InlineData("ip.src==192.168.1.2", "ip.src == 192.168.1.2")]
    [InlineData("ip.dst eq ::1", "ip.dst == ::1")]
    [InlineData("ipv6.addr == fe80::1", "ip.addr == fe80::1")]
    [InlineData("tcp.port == 53", "tcp.port == 53")]
    [InlineData("udp.port != 0x35", "udp.port != 53")]
    [InlineData("port >= 1024", "port >= 1024")]
    [InlineData("tcp.flags.syn == 1", "tcp.flags.syn == 1")]
    [InlineData("tcp.flags.rst == true", "tcp.flags.reset == 1")]
    [InlineData("tcp.flags.psh == 0", "tcp.flags.push == 0")]
    [InlineData("conn == 3", "conn == 3")]
    [InlineData("frame.len > 100", "frame.len > 100")]
    [InlineData("frame.len lt 60", "frame.len < 60")]
    [InlineData("tcp.port", "tcp.port")]
    [InlineData("handshake or teardown or reset", "((handshake or teardown) or reset)")]
    [InlineData("framing.error", "framing.error")]
    [InlineData("tcp and udp or arp", "((tcp and udp) or arp)")]
    [InlineData("tcp or udp and arp", "(tcp or (udp and arp))")]
    [InlineData("tcp && (udp || arp)", "(tcp and (udp or arp))")]
    [InlineData("!tcp and not udp", "(not tcp and not udp)")]
    [InlineData("not (tcp.port == 80 || tcp.port == 443)", "not (tcp.port == 80 or tcp.port == 443)")]
    [InlineData("!!icmp", "not not icmp")]
    [InlineData("tcp.analysis.flags", "tcp.analysis.flags")]
    [InlineData("TCP.Analysis.Duplicate_Ack or tcp.analysis.lost_segment", "(tcp.analysis.duplicate_ack or tcp.analysis.lost_segment)")]
    [InlineData("tcp.analysis.ack_rtt > 0.2", "tcp.analysis.ack_rtt > 0.2")]
    [InlineData("tcp.analysis.ack_rtt >= 1", "tcp.analysis.ack_rtt >= 1")]
    [InlineData("tcp.analysis.ack_rtt < .0001", "tcp.analysis.ack_rtt < 0.0001")]
    [InlineData("tcp.analysis.ack_rtt", "tcp.analysis.ack_rtt")]
    [InlineData("tcp.analysis.bytes_in_flight > 10000", "tcp.analysis.bytes_in_flight > 10000")]
    [InlineData("tcp.window_size == 0", "tcp.window_size == 0")]
    public void Valid_filters_parse_to_their_tree(string text, string expected)
    {
        Assert.True(DisplayFilter.TryParse(text, out var filter, out var error), error.ToString());
        Assert.Equal(expected, filter!.Expression.ToString());
    }

    [Theory]
    [InlineData("", "the filter is empty", 1)]
    [InlineData("tcp.port ==", "expected a value after '=='", 12)]
    [InlineData("ip.src == and tcp", "expected a value after '=='", 11)]
    [InlineData("tcp.prot == 53", "unknown field 'tcp.prot'", 1)]
    [InlineData("tcp and tcp.port = 53", "'=' is not an operator; use '==' to compare", 18)]
    [InlineData("tcp & udp", "'&' is not an operator; use '&&' or 'and'", 5)]
    [InlineData("(tcp or udp", "expected ')' to close the '(' at column 1, found the end of the filter", 12)]
    [InlineData("tcp)", "')' without a matching '('", 4)]
    [InlineData("tcp udp", "expected 'and', 'or' or the end of the filter, found 'udp'", 5)]
    [InlineData("tcp and", "expected a test after 'and', found the end of the filter", 8)]
    [InlineData("not", "expected a test after 'not', found the end of the filter", 4)]
    [InlineData("()", "empty parentheses: expected a test inside '()'", 2)]
    [InlineData("ip.addr == 10.0.0", "'10.0.0' is not an IPv4 or IPv6 address", 12)]
    [InlineData("ip.addr > 10.0.0.1", "'ip.addr' is an address: compare it with == or !=", 9)]
    [InlineData("tcp.port == 70000", "70000 is out of range for 'tcp.port' (0 to 65535)", 13)]
    [InlineData("tcp.flags.syn == 2", "2 is out of range for 'tcp.flags.syn' (0 to 1)", 18)]
    [InlineData("frame.len > big", "'big' is not a number", 13)]
    [InlineData("tcp.len > 0.5", "'0.5' is not a number", 11)]
    [InlineData("tcp.analysis.ack_rtt > 0.2.1", "'0.2.1' is not a time in seconds (such as 0.2)", 24)]
    [InlineData("tcp.analysis.zero_window == 1", "'tcp.analysis.zero_window' is a label with no value: test it alone, without a comparison", 26)]
    [InlineData("tcp.analysis.lost", "unknown field 'tcp.analysis.lost'", 1)]
    [InlineData("tcp.window_size > 4294967296", "4294967296 is out of range for 'tcp.window_size' (0 to 4294967295)", 19)]
    [InlineData("tcp == 1", "'tcp' is a protocol or role, not a field: it takes no comparison", 5)]
    [InlineData("frame.len 60", "expected an operator (==, !=, <, <=, >, >=) after 'frame.len', found '60'", 11)]
    [InlineData("tcp.port == 5$", "unexpected character '$'", 14)]
    [InlineData("== 5", "expected a field or a protocol, found '=='", 1)]
    public void Mistakes_are_reported_with_their_column(string text, string message, int column)
    {
        Assert.False(DisplayFilter.TryParse(text, out var filter, out var error));
        Assert.Null(filter);
        Assert.Equal(message, error.Message);
        Assert.Equal(column, error.Column);
        Assert.Equal($"{message} at column {column}", error.ToString());
    }
}
