package digest

import (
	"bytes"
	"fmt"
	"image/color"

	"github.com/crmbot/crmbot/domain"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Chart draws the digest's chart as a PNG image: the pipeline funnel
// (contacts per stage) beside the RFM segment sizes.
func (d *Digest) Chart() ([]byte, error) {
	var stages, segments []string
	var counts, sizes plotter.Values
	for _, st := range domain.Stages {
		stages = append(stages, string(st))
		counts = append(counts, float64(d.Pipeline.Counts[st]))
	}
	for _, s := range d.RFM.Segments {
		segments = append(segments, string(s.Segment))
		sizes = append(sizes, float64(s.Customers))
	}
	funnel, err := barChart("Pipeline", "contacts", stages, counts, color.RGBA{R: 0x1d, G: 0x6f, B: 0xb8, A: 0xff})
	if err != nil {
		return nil, err
	}
	rfm, err := barChart(fmt.Sprintf("RFM segments, %s", d.Week), "customers", segments, sizes, color.RGBA{R: 0x2e, G: 0x9e, B: 0x6b, A: 0xff})
	if err != nil {
		return nil, err
	}
	img := vgimg.New(12*vg.Inch, 5*vg.Inch)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Inch / 4, PadTop: vg.Inch / 8, PadBottom: vg.Inch / 8, PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8}
	canvases := plot.Align([][]*plot.Plot{{funnel, rfm}}, tiles, dc)
	funnel.Draw(canvases[0][0])
	rfm.Draw(canvases[0][1])
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&b); err != nil {
		return nil, fmt.Errorf("draw the digest chart: %w", err)
	}
	return b.Bytes(), nil
}

// barChart is one bar per name, in the given order.
func barChart(title, unit string, names []string, values plotter.Values, fill color.Color) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = unit
	p.Y.Min = 0
	bars, err := plotter.NewBarChart(values, vg.Points(28))
	if err != nil {
		return nil, fmt.Errorf("draw the digest chart: %w", err)
	}
	bars.Color = fill
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = 0.6
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	return p, nil
}
