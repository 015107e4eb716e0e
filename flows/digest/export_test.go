package digest

// ChartSVG draws the chart of d as SVG, whose texts a test can read.
var ChartSVG = (*Digest).chartSVG
