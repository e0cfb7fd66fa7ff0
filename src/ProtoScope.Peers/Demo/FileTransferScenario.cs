using System.Net;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// `demo file-transfer`: a small network disk over the 4-byte length prefix. The client uploads a file of a few MB
/// (<c>puts</c>), downloads it again (<c>gets</c>), and both sides log its SHA-256, which must agree: the prefix tells
/// the receiver where each message ends, however TCP cut the bytes into segments.
/// </summary>
internal static class FileTransferScenario
{
    private const int FileSize = 2 * 1024 * 1024;
    private const string Name = "lecture-notes.bin";

    public static async Task RunAsync(DemoRun run)
    {
        var disk = Directory.CreateTempSubdirectory("protoscope-disk-");
        try
        {
            using var server = FileServer.Start(new FileServerOptions { Port = run.Port, Directory = disk.FullName }, run.Log);
            using var stop = new CancellationTokenSource();
            var serving = server.RunAsync(stop.Token);

            // The same bytes on every run, so that captures of the demo compare.
            var file = new byte[FileSize];
            new Random(18).NextBytes(file);
            string sent = FileServer.Sha256(file);

            await run.StepAsync($"client connects to the file server on 127.0.0.1:{run.Port}");
            await using (var client = await FileClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, run.Port), run.Cancel))
            {
                await run.StepAsync($"client: puts {Name}, {FileSize} bytes, sha256 {sent}: a request message, then the file in one message");
                string stored = await client.PutAsync(Name, file, run.Cancel);
                run.Log($"client: the server stored sha256 {stored}: {(stored == sent ? "the same" : "DIFFERENT")}");

                await run.StepAsync($"client: gets {Name}: a request message; the reply, then the file in one message");
                var (back, announced) = await client.GetAsync(Name, run.Cancel);
                string got = FileServer.Sha256(back);
                run.Log($"client: got {back.Length} bytes, sha256 {got}: {(got == sent && got == announced ? "the same as sent" : "DIFFERENT")}");
                if (got != sent || stored != sent)
                    throw new InvalidOperationException("the file changed on its way");

                await run.StepAsync("client closes with FIN");
                await client.CloseAsync(run.Cancel);
            }
            await run.StepAsync(null);
            stop.Cancel();
            await serving;
        }
        finally
        {
            disk.Delete(recursive: true);
        }
    }
}
