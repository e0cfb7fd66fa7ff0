using System.Globalization;
using System.Text;
using System.Xml;

namespace ProtoScope.Core.Graphs;

/// <summary>
/// A <see cref="Plot"/> as an SVG picture for a slide or a report: labelled axes with ticks, a legend, and one
/// element per mark (per non-empty bucket) in a group per series (<c>&lt;g class="series" data-name="..."&gt;</c>):
/// a circle for a dot, a line for a bar, a line from the previous mark for a step, a letter for an event.
/// </summary>
public static class SvgPlot
{
    private const double Left = 80, Right = 80, Top = 40, Bottom = 70;
    private static readonly string[] Colours = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#d62728", "#ff7f0e", "#7f7f7f", "#e377c2", "#17becf"];

    public static void Write(Plot plot, Stream output, double width = 960, double height = 540, PlotScale? scale = null)
    {
        scale ??= PlotScale.Of(plot);
        double plotWidth = width - Left - Right, plotHeight = height - Top - Bottom;
        using var w = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) });
        w.WriteStartElement("svg", "http://www.w3.org/2000/svg");
        Attr(w, "width", width);
        Attr(w, "height", height);
        w.WriteAttributeString("viewBox", $"0 0 {N(width)} {N(height)}");
        w.WriteAttributeString("font-family", "sans-serif");
        w.WriteAttributeString("font-size", "12");
        Rect(w, 0, 0, width, height, "white");
        Text(w, width / 2, 20, plot.Title, "middle", "14");

        // Axes and ticks.
        Line(w, Left, Top, Left, Top + plotHeight, "black");
        Line(w, Left, Top + plotHeight, Left + plotWidth, Top + plotHeight, "black");
        var (xTicks, xStep) = PlotScale.Ticks(scale.XFrom, scale.XTo, 10);
        foreach (double x in xTicks)
        {
            double px = Left + scale.XFraction(x) * plotWidth;
            Line(w, px, Top + plotHeight, px, Top + plotHeight + 5, "black");
            Text(w, px, Top + plotHeight + 18, PlotScale.Label(x, xStep), "middle");
        }
        var (yTicks, yStep) = PlotScale.Ticks(scale.YFrom, scale.YTo, 8);
        foreach (double y in yTicks)
        {
            double py = Top + scale.YFraction(y) * plotHeight;
            Line(w, Left - 5, py, Left, py, "black");
            Line(w, Left, py, Left + plotWidth, py, "#e8e8e8");
            Text(w, Left - 8, py + 4, PlotScale.Label(y, yStep), "end");
        }
        Text(w, Left + plotWidth / 2, Top + plotHeight + 36, plot.XLabel, "middle");
        Rotated(w, 18, Top + plotHeight / 2, plot.YLabel);
        var rightSeries = plot.Series.FirstOrDefault(s => s.RightAxis);
        if (rightSeries is not null)
        {
            Line(w, Left + plotWidth, Top, Left + plotWidth, Top + plotHeight, "black");
            var (y2Ticks, y2Step) = PlotScale.Ticks(scale.Y2From, scale.Y2To, 8);
            foreach (double y in y2Ticks)
            {
                double py = Top + scale.YFraction(y, right: true) * plotHeight;
                Line(w, Left + plotWidth, py, Left + plotWidth + 5, py, "black");
                Text(w, Left + plotWidth + 8, py + 4, PlotScale.Label(y, y2Step), "start");
            }
            Rotated(w, width - 14, Top + plotHeight / 2, rightSeries.Name);
        }

        // Marks, clipped to the plot area.
        w.WriteStartElement("defs");
        w.WriteStartElement("clipPath");
        w.WriteAttributeString("id", "area");
        Rect(w, Left, Top, plotWidth, plotHeight, "none");
        w.WriteEndElement();
        w.WriteEndElement();
        for (int s = 0; s < plot.Series.Count; s++)
        {
            var series = plot.Series[s];
            string colour = Colours[s % Colours.Length];
            w.WriteStartElement("g");
            w.WriteAttributeString("class", "series");
            w.WriteAttributeString("data-name", series.Name);
            w.WriteAttributeString("clip-path", "url(#area)");
            double? previousX = null, previousY = null;
            foreach (var m in series.EachMark())
            {
                double px = Left + scale.XFraction(m.X) * plotWidth;
                double high = Top + scale.YFraction(m.High, series.RightAxis) * plotHeight;
                double low = Top + scale.YFraction(m.Low, series.RightAxis) * plotHeight;
                switch (series.Shape)
                {
                    case MarkShape.Dot when m.Low == m.High:
                        w.WriteStartElement("circle");
                        Attr(w, "cx", px);
                        Attr(w, "cy", high);
                        Attr(w, "r", 1.5);
                        w.WriteAttributeString("fill", colour);
                        Frame(w, m);
                        w.WriteEndElement();
                        break;
                    case MarkShape.Dot or MarkShape.Bar:
                        Line(w, px, low, px, high, colour, m);
                        break;
                    case MarkShape.Step:
                        double first = Top + scale.YFraction(m.First, series.RightAxis) * plotHeight;
                        // One path a mark: level from the previous mark, then to this one's first value and over its range.
                        var d = new StringBuilder();
                        if (previousX is double x0 && previousY is double y0) d.Append($"M{N(x0)},{N(y0)}H{N(px)}V{N(first)}");
                        else d.Append($"M{N(px)},{N(first)}");
                        d.Append($"M{N(px)},{N(low)}V{N(high)}");
                        w.WriteStartElement("path");
                        w.WriteAttributeString("d", d.ToString());
                        w.WriteAttributeString("stroke", colour);
                        w.WriteAttributeString("fill", "none");
                        Frame(w, m);
                        w.WriteEndElement();
                        previousX = px;
                        previousY = Top + scale.YFraction(m.Last, series.RightAxis) * plotHeight;
                        break;
                    default:
                        Text(w, px, high + 4, series.Letter.ToString(), "middle", "11", colour, m);
                        break;
                }
            }
            w.WriteEndElement();
        }

        // Legend under the x axis label.
        double lx = Left;
        for (int s = 0; s < plot.Series.Count; s++)
        {
            var series = plot.Series[s];
            if (series.Points == 0) continue;
            string label = (series.Shape == MarkShape.Letter ? series.Letter + " " : "") + series.Name;
            Rect(w, lx, height - 22, 10, 10, Colours[s % Colours.Length]);
            Text(w, lx + 14, height - 13, label, "start");
            lx += 24 + label.Length * 7;
        }
        w.WriteEndElement();
    }

    private static void Frame(XmlWriter w, PlotMark m)
    {
        w.WriteAttributeString("data-frame", m.Frame.ToString(CultureInfo.InvariantCulture));
        if (m.Points > 1) w.WriteAttributeString("data-points", m.Points.ToString(CultureInfo.InvariantCulture));
    }

    private static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static void Attr(XmlWriter w, string name, double v) => w.WriteAttributeString(name, N(v));

    private static void Rect(XmlWriter w, double x, double y, double width, double height, string fill)
    {
        w.WriteStartElement("rect");
        Attr(w, "x", x);
        Attr(w, "y", y);
        Attr(w, "width", width);
        Attr(w, "height", height);
        w.WriteAttributeString("fill", fill);
        w.WriteEndElement();
    }

    private static void Line(XmlWriter w, double x1, double y1, double x2, double y2, string stroke, PlotMark? mark = null)
    {
        w.WriteStartElement("line");
        Attr(w, "x1", x1);
        Attr(w, "y1", y1);
        Attr(w, "x2", x2);
        // A zero-length line draws nothing: give a one-value bar a pixel.
        Attr(w, "y2", mark is not null && Math.Abs(y2 - y1) < 1 ? y2 - 1 : y2);
        w.WriteAttributeString("stroke", stroke);
        if (mark is PlotMark m) Frame(w, m);
        w.WriteEndElement();
    }

    private static void Text(XmlWriter w, double x, double y, string text, string anchor, string? size = null, string? fill = null, PlotMark? mark = null)
    {
        w.WriteStartElement("text");
        Attr(w, "x", x);
        Attr(w, "y", y);
        w.WriteAttributeString("text-anchor", anchor);
        if (size is not null) w.WriteAttributeString("font-size", size);
        if (fill is not null) w.WriteAttributeString("fill", fill);
        if (mark is PlotMark m) Frame(w, m);
        w.WriteString(text);
        w.WriteEndElement();
    }

    private static void Rotated(XmlWriter w, double x, double y, string text)
    {
        w.WriteStartElement("text");
        Attr(w, "x", x);
        Attr(w, "y", y);
        w.WriteAttributeString("text-anchor", "middle");
        w.WriteAttributeString("transform", $"rotate(-90 {N(x)} {N(y)})");
        w.WriteString(text);
        w.WriteEndElement();
    }
}
