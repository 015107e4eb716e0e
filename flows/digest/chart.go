package digest

import (
	"bytes"
	"fmt"
	"image/color"
	"io"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/locale"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The chart's size and colours.
var (
	chartW, chartH = 12 * vg.Inch, 5 * vg.Inch
	funnelFill     = color.RGBA{R: 0x1d, G: 0x6f, B: 0xb8, A: 0xff}
	lostFill       = color.RGBA{R: 0x9a, G: 0x9a, B: 0x9a, A: 0xff}
	segmentFill    = color.RGBA{R: 0x2e, G: 0x9e, B: 0x6b, A: 0xff}
	ink            = color.Black
)

// Chart draws the digest's chart as a PNG image: the pipeline as the
// funnel it is (a centred bar a stage, its count, and the week's
// conversion between stages), beside the RFM segments with their sizes
// and weekly change. Every bar carries its figure: a chart in a Slack
// channel is read without the text beside it. Its words and figures are
// written in d.Lang.
func (d *Digest) Chart() ([]byte, error) {
	img := vgimg.New(chartW, chartH)
	d.drawChart(draw.New(img))
	return encode(vgimg.PngCanvas{Canvas: img})
}

// chartSVG is Chart drawn as SVG, whose texts tests read.
func (d *Digest) chartSVG() ([]byte, error) {
	c := vgsvg.New(chartW, chartH)
	d.drawChart(draw.New(c))
	return encode(c)
}

func encode(w io.WriterTo) ([]byte, error) {
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("draw the digest chart: %w", err)
	}
	return b.Bytes(), nil
}

// drawChart draws the funnel on the left half of c, the segments on the
// right half.
func (d *Digest) drawChart(c draw.Canvas) {
	c.FillPolygon(color.White, []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y}})
	pad := vg.Inch / 4
	mid := (c.Min.X + c.Max.X) / 2
	p := locale.For(d.Lang)
	d.drawFunnel(p, draw.Crop(c, pad, -(c.Max.X-mid)-pad/2, pad, -pad))
	d.drawSegments(p, draw.Crop(c, mid-c.Min.X+pad/2, -pad, pad, -pad))
}

// style is the chart's text style at size points, aligned as given.
func style(size vg.Length, x text.XAlignment, y text.YAlignment) draw.TextStyle {
	return draw.TextStyle{Color: ink, Font: font.From(plot.DefaultFont, size), XAlign: x, YAlign: y, Handler: plot.DefaultTextHandler}
}

// rect fills the rectangle of corners (x0, y0) and (x1, y1).
func rect(c draw.Canvas, fill color.Color, x0, y0, x1, y1 vg.Length) {
	c.FillPolygon(fill, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
}

// drawFunnel draws the open stages as centred bars as wide as their
// counts, top down, the week's conversion between two of them, and lost
// apart at the bottom.
func (d *Digest) drawFunnel(p *locale.Printer, c draw.Canvas) {
	title := p.T("Pipeline, %s", d.Week)
	c.FillText(style(14, draw.XCenter, draw.YTop), vg.Point{X: c.Center().X, Y: c.Max.Y}, title)
	var counts map[domain.Stage]int
	var conv map[domain.Stage]string
	if pl := d.Pipeline; pl != nil {
		counts, conv = pl.Counts, map[domain.Stage]string{}
		for _, v := range pl.Conversions {
			conv[v.From] = p.T("↓ %s %% (%s of %s)", p.Decimal(v.RatePct, 1), p.Number(int64(v.Moved)), p.Number(int64(v.Base)))
		}
	}
	most := 1
	for _, st := range domain.Stages {
		most = max(most, counts[st])
	}
	label, value := vg.Inch*1.1, vg.Inch*0.7 // the stage names' column, the room for the widest bar's count
	top, row := c.Max.Y-vg.Inch/2, (c.Max.Y-c.Min.Y-vg.Inch/2)/vg.Length(len(domain.Stages))
	center, room := (c.Min.X+label+c.Max.X-value)/2, c.Max.X-value-c.Min.X-label
	for i, st := range domain.Stages {
		y1 := top - vg.Length(i)*row
		y0 := y1 - row*0.55
		half := room / 2 * vg.Length(max(counts[st], 0)) / vg.Length(most)
		fill := funnelFill
		if st == domain.Lost {
			fill = lostFill
		}
		rect(c, fill, center-half, y0, center+half, y1)
		mid := (y0 + y1) / 2
		c.FillText(style(11, draw.XLeft, draw.YCenter), vg.Point{X: c.Min.X, Y: mid}, p.T(string(st)))
		c.FillText(style(11, draw.XLeft, draw.YCenter), vg.Point{X: center + half + vg.Points(4), Y: mid}, p.Number(int64(counts[st])))
		if s := conv[st]; s != "" && i+1 < len(domain.Stages) {
			c.FillText(style(9, draw.XCenter, draw.YCenter), vg.Point{X: center, Y: y0 - row*0.225}, s)
		}
	}
}

// drawSegments draws one horizontal bar a segment, as long as its size,
// with the size and the change since last week after it.
func (d *Digest) drawSegments(p *locale.Printer, c draw.Canvas) {
	c.FillText(style(14, draw.XCenter, draw.YTop), vg.Point{X: c.Center().X, Y: c.Max.Y}, p.T("RFM segments, %s", d.Week))
	segs := d.RFM.Segments
	if len(segs) == 0 {
		c.FillText(style(11, draw.XCenter, draw.YCenter), c.Center(), p.T("No customer yet"))
		return
	}
	most := 1
	for _, s := range segs {
		most = max(most, s.Customers)
	}
	label, value := vg.Inch*1.6, vg.Inch*0.8
	top, row := c.Max.Y-vg.Inch/2, (c.Max.Y-c.Min.Y-vg.Inch/2)/vg.Length(len(segs))
	room := c.Max.X - c.Min.X - label - value
	for i, s := range segs {
		y1 := top - vg.Length(i)*row
		y0 := y1 - row*0.7
		end := c.Min.X + label + room*vg.Length(max(s.Customers, 0))/vg.Length(most)
		rect(c, segmentFill, c.Min.X+label, y0, end, y1)
		mid := (y0 + y1) / 2
		c.FillText(style(10, draw.XLeft, draw.YCenter), vg.Point{X: c.Min.X, Y: mid}, p.T(string(s.Segment)))
		figure := p.Number(int64(s.Customers))
		if s.Change != nil {
			figure += fmt.Sprintf(" (%+d)", *s.Change)
		}
		c.FillText(style(10, draw.XLeft, draw.YCenter), vg.Point{X: end + vg.Points(4), Y: mid}, figure)
	}
}
