namespace ProtoScope.Tests;

/// <summary>
/// A copy of a real capture with every record cut to one snaplen by editcap (it comes with Debian's tshark), the way a
/// capture taken with a small <c>-s</c> cuts headers short. The copy is deleted on dispose.
/// </summary>
internal sealed class CutCapture : IDisposable
{
    private readonly string _dir;

    public CutCapture(string source, int snaplen)
    {
        _dir = Directory.CreateTempSubdirectory("protoscope-cut-").FullName;
        Path = System.IO.Path.Combine(_dir, $"{System.IO.Path.GetFileNameWithoutExtension(source)}-s{snaplen}.pcap");
        var (_, stderr, exitCode) = ProgramRun.Run("editcap", ["-s", snaplen.ToString(System.Globalization.CultureInfo.InvariantCulture), source, Path]);
        Assert.True(exitCode == 0 && File.Exists(Path), $"editcap -s {snaplen} {source}: {stderr}");
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
