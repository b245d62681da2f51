package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// bar is one bar of a chart.
type bar struct {
	Label string
	Value int
}

// barChart draws a horizontal bar chart as SVG. It is decorative for
// assistive technology (aria-hidden): every chart has a data table beside it.
func barChart(title string, bars []bar) template.HTML {
	const rowH, labelW, chartW, pad = 26, 230, 360, 8
	max := 1
	for _, b := range bars {
		if b.Value > max {
			max = b.Value
		}
	}
	h := len(bars)*rowH + pad*2
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-hidden="true" focusable="false">`,
		labelW+chartW+60, h, labelW+chartW+60, h)
	fmt.Fprintf(&sb, `<title>%s</title>`, html.EscapeString(title))
	for i, b := range bars {
		y := pad + i*rowH
		w := b.Value * chartW / max
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" font-size="13" fill="#1b1f24">%s</text>`, labelW-8, y+17, html.EscapeString(b.Label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" fill="#0b4f8a"></rect>`, labelW, y+4, w, rowH-8)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="13" fill="#1b1f24">%d</text>`, labelW+w+6, y+17, b.Value)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // every label is escaped above
}
