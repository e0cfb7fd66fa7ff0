namespace ProtoScope.Cli;

internal static class ExitCodes
{
    /// <summary>Done; also after a stop by Ctrl-C, SIGTERM or SIGHUP, as for tcpdump (StopSignals).</summary>
    public const int Ok = 0;
    /// <summary>The program ran but found what it checks for wrong (e.g. an echo mismatch).</summary>
    public const int Failed = 1;
    /// <summary>Bad input: a usage error, a missing or unreadable file, a bad filter. One line on stderr.</summary>
    public const int BadInput = 2;

    /// <summary>Each code with what it means, as the manual's EXIT STATUS lists them.</summary>
    public static IReadOnlyList<(int Code, string Meaning)> All { get; } =
    [
        (Ok, "Done; also when Ctrl-C, SIGTERM or SIGHUP stopped a capture, a replay or the echo peers cleanly (as tcpdump)."),
        (Failed, "The program ran but what it checks came out wrong: an echo client got back other bytes than it sent."),
        (BadInput, "Bad input: a usage error, a missing or unreadable capture, a damaged file, a bad filter, no permission to capture. One line on stderr says which."),
    ];
}
