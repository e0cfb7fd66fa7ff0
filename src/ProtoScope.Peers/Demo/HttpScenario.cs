using System.Text;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// The <c>http</c> demo: one keep-alive HTTP/1.1 connection to <see cref="HttpServer"/> carrying a GET answered with a
/// Content-Length body, a GET answered in chunks (Transfer-Encoding: chunked, each chunk its own segment), and a POST
/// with a body; then the client closes. `frames --framing http` (or the UI's Frames view) shows where each head ends
/// at its blank line and how each body is delimited.
/// </summary>
internal static class HttpScenario
{
    public static async Task RunAsync(DemoRun run)
    {
        using var server = HttpServer.Start(new HttpServerOptions { Port = run.Port }, run.Log);
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(stop.Token);
        using (var client = new HttpClientConnection(await run.ConnectAsync()))
        {
            await run.StepAsync("client: GET /hello; the server answers with a Content-Length body");
            run.Log($"client: {await client.SendAsync("GET", "/hello", cancel: run.Cancel)}");
            await run.StepAsync("client: GET /chunked on the same connection (keep-alive); the server answers in chunks");
            run.Log($"client: {await client.SendAsync("GET", "/chunked", cancel: run.Cancel)}");
            byte[] form = Encoding.UTF8.GetBytes("name=ProtoScope&greeting=hello");
            await run.StepAsync($"client: POST /form with a {form.Length}-byte body (Content-Length)");
            run.Log($"client: {await client.SendAsync("POST", "/form", form, run.Cancel)}");
            await run.StepAsync("client closes with FIN; the server closes too");
            await client.CloseAsync(run.Cancel);
        }
        await run.StepAsync(null);
        stop.Cancel();
        await serving;
    }
}
