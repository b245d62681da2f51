package web

import (
	"html/template"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// dashboardRow is a row of a chart's data table.
type dashboardRow struct {
	Label   string
	Values  []int
	Percent string
}

// dashboardChart is a chart with its data table.
type dashboardChart struct {
	Key     string
	SVG     template.HTML
	Columns []string
	Rows    []dashboardRow
}

type dashboardData struct {
	Charts     []dashboardChart
	MedianDays float64
	// Median is MedianDays written in the user's language (decimal comma in az, fr and ru).
	Median string
}

// dashboard shows the statistics with a data table beside each chart.
func (u *ui) dashboard(rq *request) {
	st, err := u.s.db.Statistics(rq.r.Context(), *rq.actor)
	if err != nil {
		u.fail(rq, err)
		return
	}
	d := dashboardData{MedianDays: st.MedianDays, Median: formatDecimal(rq.lang, st.MedianDays, 1)}

	open := dashboardChart{Key: "by_status", Columns: []string{rq.t("dashboard.cases")}}
	var bars []bar
	for _, s := range append(slices.Clone(ercms.ReadmissionStates), ercms.TransitStates...) {
		if n := st.ByStatus[s]; n > 0 && !slices.ContainsFunc(open.Rows, func(r dashboardRow) bool { return r.Label == rq.t("state."+string(s)) }) {
			open.Rows = append(open.Rows, dashboardRow{Label: rq.t("state." + string(s)), Values: []int{n}})
			bars = append(bars, bar{Label: rq.t("state." + string(s)), Value: n})
		}
	}
	open.SVG = barChart(rq.t("dashboard.by_status"), bars)
	d.Charts = append(d.Charts, open)

	months := slices.Sorted(maps.Keys(st.PerMonth))
	states := map[string]bool{}
	for _, m := range st.PerMonth {
		for s := range m {
			states[s] = true
		}
	}
	codes := slices.Sorted(maps.Keys(states))
	per := dashboardChart{Key: "per_month"}
	for _, s := range codes { // the requesting states, in words
		per.Columns = append(per.Columns, u.cat.CountryName(rq.lang, s))
	}
	bars = nil
	for _, m := range months {
		row := dashboardRow{Label: m}
		total := 0
		for _, s := range codes {
			row.Values = append(row.Values, st.PerMonth[m][s])
			total += st.PerMonth[m][s]
		}
		per.Rows = append(per.Rows, row)
		bars = append(bars, bar{Label: m, Value: total})
	}
	per.SVG = barChart(rq.t("dashboard.per_month"), bars)
	d.Charts = append(d.Charts, per)

	dec := dashboardChart{Key: "decisions", Columns: []string{rq.t("dashboard.cases")}}
	bars = nil
	total := 0
	for _, n := range st.Decisions {
		total += n
	}
	for _, s := range []ercms.State{ercms.StateApproved, ercms.StateDeemedApproved, ercms.StateRefused} {
		n := st.Decisions[s]
		dec.Rows = append(dec.Rows, dashboardRow{Label: rq.t("state." + string(s)), Values: []int{n}, Percent: percent(n, total)})
		bars = append(bars, bar{Label: rq.t("state." + string(s)), Value: n})
	}
	dec.SVG = barChart(rq.t("dashboard.decisions"), bars)
	d.Charts = append(d.Charts, dec)

	comp := dashboardChart{Key: "deadlines", Columns: []string{rq.t("deadline_status.met"), rq.t("deadline_status.missed")}}
	bars = nil
	for _, kind := range slices.Sorted(maps.Keys(st.Deadlines)) {
		met, missed := st.Deadlines[kind][ercms.DeadlineMet], st.Deadlines[kind][ercms.DeadlineMissed]
		comp.Rows = append(comp.Rows, dashboardRow{Label: rq.t("clock." + kind), Values: []int{met, missed}, Percent: percent(met, met+missed)})
		bars = append(bars, bar{Label: rq.t("clock." + kind), Value: met * 100 / max(1, met+missed)})
	}
	comp.SVG = barChart(rq.t("dashboard.deadlines"), bars)
	d.Charts = append(d.Charts, comp)

	u.render(rq, http.StatusOK, "dashboard", page{Title: rq.t("nav.dashboard"), Data: d})
}

func percent(n, total int) string {
	if total == 0 {
		return "–"
	}
	return strconv.Itoa(n*100/total) + " %"
}

// formatDecimal writes f with at most digits decimals (trailing zeros
// dropped) and the separators of l: en "1,234.5", az "1.234,5",
// fr "1 234,5", ru "1 234,5".
func formatDecimal(l i18n.Lang, f float64, digits int) string {
	s := strconv.FormatFloat(math.Abs(f), 'f', digits, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil { // beyond int64: not a number of days
		return s
	}
	out := i18n.FormatNumber(l, n)
	if frac = strings.TrimRight(frac, "0"); frac != "" {
		sep := ","
		if l == i18n.EN {
			sep = "."
		}
		out += sep + frac
	}
	if f < 0 && (n != 0 || frac != "") {
		out = "-" + out
	}
	return out
}
