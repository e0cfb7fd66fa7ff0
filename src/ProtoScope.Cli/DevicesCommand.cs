using System.CommandLine;
using System.Text.Json;
using ProtoScope.Capture;

namespace ProtoScope.Cli;

/// <summary>`protoscope devices`: the interfaces libpcap can open, like `tcpdump -D`, with addresses and whether this user may capture.</summary>
internal static class DevicesCommand
{
    public static Command Create(CliContext ctx)
    {
        var format = CommonOptions.Format();
        var cmd = new Command("devices", "List the interfaces to capture on: addresses, up or down, loopback, and whether you may capture on each.") { format };
        cmd.SetAction(r => Run(ctx, r.GetValue(format)!));
        return cmd;
    }

    private static int Run(CliContext ctx, string format)
    {
        var interfaces = CaptureInterface.List(probe: true);
        if (format == "jsonl")
        {
            using var json = new Utf8JsonWriter(ctx.Stdout);
            foreach (var i in interfaces)
            {
                json.WriteStartObject();
                json.WriteString("name", i.Name);
                if (i.Description is not null) json.WriteString("description", i.Description);
                json.WriteStartArray("addresses");
                foreach (var a in i.Addresses) json.WriteStringValue(a.ToString());
                json.WriteEndArray();
                json.WriteBoolean("up", i.IsUp);
                json.WriteBoolean("running", i.IsRunning);
                json.WriteBoolean("loopback", i.IsLoopback);
                json.WriteBoolean("can_capture", i.CanCapture == true);
                if (i.CaptureProblem is not null) json.WriteString("problem", i.CaptureProblem);
                json.WriteEndObject();
                json.Flush();
                json.Reset();
                ctx.Stdout.WriteByte((byte)'\n');
            }
            ctx.Stdout.Flush();
            return ExitCodes.Ok;
        }

        using var text = ctx.OpenText();
        int width = Math.Max(4, interfaces.Count == 0 ? 4 : interfaces.Max(i => i.Name.Length));
        int n = 0;
        foreach (var i in interfaces)
        {
            var state = new List<string> { i.IsUp ? "up" : "down" };
            if (i.IsRunning) state.Add("running");
            if (i.IsLoopback) state.Add("loopback");
            string capture = i.CanCapture == true ? "can capture" : $"cannot capture: {i.CaptureProblem}";
            text.Write($"{++n,2}. {i.Name.PadRight(width)}  {string.Join(',', state),-22}  {capture}");
            if (i.Description is not null) text.Write($"  ({i.Description})");
            text.Write('\n');
            foreach (var a in i.Addresses)
                text.Write($"    {new string(' ', width)}  {a}\n");
        }
        if (interfaces.Any(i => i.CaptureProblem == "permission denied"))
            ctx.Stderr.WriteLine($"protoscope: {LiveCapture.PermissionDeniedMessage("these interfaces")}");
        return ExitCodes.Ok;
    }
}
