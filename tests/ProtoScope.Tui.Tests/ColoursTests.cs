namespace ProtoScope.Tui.Tests;

/// <summary>
/// The published program (native where clang is present: Terminal.Gui's themes and configuration trimmed and
/// compiled ahead of time) draws the packet list and the help screen in a real terminal with colours, and with
/// NO_COLOR set, where Terminal.Gui keeps to the 16 basic colours and sends no 24-bit colour.
/// </summary>
public class ColoursTests
{
    private static string Handshake => Path.Combine(Repo.Root, "captures", "handshake.pcap");

    private static string HelpScreen(string environment)
    {
        using var terminal = new RealTerminal();
        terminal.Type($"{environment}{PublishedProgram.ShellCommand} {Handshake}");
        terminal.WaitForScreen(s => s.Contains("Legend:") && s.Contains("handshake 1/3"), TimeSpan.FromSeconds(60));
        terminal.Keys("?");
        terminal.WaitForScreen(s => s.Contains("ProtoScope keys"), TimeSpan.FromSeconds(20));
        string screen = terminal.ScreenWithColours;
        terminal.Keys("Escape");
        // Not at once: an Escape with a key right behind it reads as Alt and that key.
        terminal.WaitForScreen(s => !s.Contains("ProtoScope keys"), TimeSpan.FromSeconds(20));
        terminal.Keys("q");
        terminal.WaitForScreen(s => !s.Contains("Legend:"), TimeSpan.FromSeconds(20));
        return screen;
    }

    [Fact]
    public void The_ui_draws_in_24_bit_colour()
    {
        Assert.Contains("\u001b[38;2;", HelpScreen(""));
    }

    [Fact]
    public void With_NO_COLOR_the_ui_draws_in_basic_colours_only()
    {
        string screen = HelpScreen("NO_COLOR=1 ");
        Assert.DoesNotContain("\u001b[38;2;", screen);
        Assert.DoesNotContain("\u001b[48;2;", screen);
    }
}
