namespace ProtoScope.Cli;

internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The program ran but found what it checks for wrong (e.g. an echo mismatch).</summary>
    public const int Failed = 1;
    /// <summary>Bad input: a usage error, a missing or unreadable file, a bad filter. One line on stderr.</summary>
    public const int BadInput = 2;
}
