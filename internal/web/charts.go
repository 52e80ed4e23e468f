package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"

	"outreach/internal/i18n"
)

// Charts are SVG drawn here, on the server: no script, no library, a few
// hundred bytes each, readable without colour (values are written out).

// bar is one bar of a chart.
type bar struct {
	Label string
	Value float64
	Text  string // the value as shown; defaults to the number
	Href  string
	Class string // a CSS class for the bar's colour
}

// shown is the bar's value as written and its CSS class.
func (b bar) shown() (text, class string) {
	text, class = b.Text, b.Class
	if text == "" {
		text = i18n.Number(b.Value)
	}
	if class == "" {
		class = "bar"
	}
	return text, class
}

// open starts the bar's link (when it has one) and its tooltip; close
// ends the link.
func (b bar) open(sb *strings.Builder, text string) {
	if b.Href != "" {
		fmt.Fprintf(sb, `<a href="%s">`, html.EscapeString(b.Href))
	}
	fmt.Fprintf(sb, `<title>%s: %s</title>`, html.EscapeString(b.Label), html.EscapeString(text))
}

func (b bar) close(sb *strings.Builder) {
	if b.Href != "" {
		sb.WriteString(`</a>`)
	}
}

// hbars draws labelled horizontal bars, one per line, each a link.
func hbars(bars []bar, width int) template.HTML {
	if len(bars) == 0 {
		return ""
	}
	const rowH, gap = 26, 6
	maxV := 0.0
	for _, b := range bars {
		maxV = math.Max(maxV, b.Value)
	}
	if maxV == 0 {
		maxV = 1
	}
	h := len(bars)*rowH + gap
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" xmlns="http://www.w3.org/2000/svg">`, width, h)
	barW := float64(width - 120)
	for i, b := range bars {
		y := i*rowH + gap
		w := barW * b.Value / maxV
		text, cls := b.shown()
		b.open(&sb, text)
		fmt.Fprintf(&sb, `<text x="0" y="%d" class="lbl">%s</text>`, y+10, html.EscapeString(trim(b.Label, 60)))
		fmt.Fprintf(&sb, `<rect x="0" y="%d" width="%.1f" height="8" class="%s"/>`, y+13, math.Max(w, 1), cls)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" class="val">%s</text>`, math.Max(w, 1)+4, y+21, html.EscapeString(text))
		b.close(&sb)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// columns draws vertical bars with labels under them (months, years),
// with an optional dashed goal line.
func columns(bars []bar, width, height int, goal *float64, goalLabel string) template.HTML {
	if len(bars) == 0 {
		return ""
	}
	maxV := 0.0
	for _, b := range bars {
		maxV = math.Max(maxV, b.Value)
	}
	if goal != nil {
		maxV = math.Max(maxV, *goal)
	}
	if maxV == 0 {
		maxV = 1
	}
	top, bottom := 16, 18
	if goal != nil {
		top = 30 // a legend line for the goal above the bars and their values
	}
	plotH := float64(height - top - bottom)
	slot := float64(width) / float64(len(bars))
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" xmlns="http://www.w3.org/2000/svg">`, width, height)
	fmt.Fprintf(&sb, `<line x1="0" y1="%d" x2="%d" y2="%d" class="axis"/>`, height-bottom, width, height-bottom)
	for i, b := range bars {
		h := plotH * b.Value / maxV
		x := float64(i)*slot + slot*0.15
		w := slot * 0.7
		y := float64(height-bottom) - h
		text, cls := b.shown()
		b.open(&sb, text)
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="%s"/>`, x, y, w, math.Max(h, 0.5), cls)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" class="val" text-anchor="middle">%s</text>`, x+w/2, y-3, html.EscapeString(text))
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" class="lbl" text-anchor="middle">%s</text>`, x+w/2, height-4, html.EscapeString(b.Label))
		b.close(&sb)
	}
	if goal != nil {
		gy := float64(height-bottom) - plotH**goal/maxV
		fmt.Fprintf(&sb, `<line x1="0" y1="%.1f" x2="%d" y2="%.1f" class="goal"/>`, gy, width, gy)
		// The label goes in the legend line, where no bar or value can
		// cover it.
		fmt.Fprintf(&sb, `<line x1="0" y1="8" x2="18" y2="8" class="goal"/>`)
		fmt.Fprintf(&sb, `<text x="22" y="11" class="goal-lbl">%s</text>`, html.EscapeString(goalLabel))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

func trim(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
