package demo

import "fmt"

// The requesting side: facts of the member states, the same whichever
// requested state the demo serves.

// detentionCentres are where the member states hold persons before removal
// (the places of consular interviews).
var detentionCentres = map[string][]string{
	"DE": {"Abschiebungshafteinrichtung Büren", "Abschiebungshaft Eichstätt", "Ausreisegewahrsam Hamburg"},
	"AT": {"Polizeianhaltezentrum Wien Rossauer Lände", "Anhaltezentrum Vordernberg"},
	"BE": {"Centre fermé 127bis, Steenokkerzeel", "Centre fermé de Vottem"},
	"FR": {"CRA de Paris-Vincennes", "CRA du Mesnil-Amelot"},
	"NL": {"Detentiecentrum Rotterdam", "Justitieel Complex Schiphol"},
}

// departureAirports are where transit journeys start, by member state.
var departureAirports = map[string][]string{"DE": {"FRA", "MUC", "BER", "DUS"}, "AT": {"VIE"}, "BE": {"BRU"}, "FR": {"CDG", "LYS"}, "NL": {"AMS"}}

// escortNames are the member states' escort officers named in transfer notices.
var escortNames = []string{"PHK Müller", "Insp. Dubois", "Insp. Janssens", "Hr. van Dijk", "RevInsp. Huber"}

// referenceFormats make the requesting authorities' own reference numbers.
var referenceFormats = map[string]func(w *walk, year, seq int) string{
	"DE": func(w *walk, year, seq int) string { return fmt.Sprintf("BPOL-RÜ-%02d-%05d", year%100, 1200+seq) },
	"AT": func(w *walk, year, seq int) string { return fmt.Sprintf("IFA %s/%d", w.pattern("##########"), year) },
	"BE": func(w *walk, year, seq int) string {
		return fmt.Sprintf("OE %d.%03d.%03d", w.between(7, 9), w.rng.IntN(1000), seq)
	},
	"FR": func(w *walk, year, seq int) string { return fmt.Sprintf("DGEF-%d-%05d", year, 300+seq) },
	"NL": func(w *walk, year, seq int) string {
		return fmt.Sprintf("V-%s / DTV-%d-%04d", w.pattern("##########"), year, seq)
	},
}
