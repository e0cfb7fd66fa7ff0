namespace ProtoScope.Tui;

/// <summary>
/// The table every view lists its rows in: whole rows, one selected at a time, a single border, no type-ahead
/// search, no vertical cell lines. Space is left to the window, which pauses the capture with it; the table's own
/// use of it (extend the selection) means nothing with one row selected.
/// </summary>
internal static class ScopeTable
{
    public static TableView Create(string title)
    {
        var table = new TableView
        {
            Title = title,
            Width = Dim.Fill(),
            Height = Dim.Fill(),
            FullRowSelect = true,
            MultiSelect = false,
            CollectionNavigator = null,
            BorderStyle = LineStyle.Single,
        };
        table.KeyBindings.Remove(Key.Space);
        table.Style.ShowVerticalCellLines = false;
        table.Style.ShowHorizontalHeaderOverline = false;
        return table;
    }
}
