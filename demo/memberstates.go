package demo

import (
	"fmt"

	"github.com/ercms/ercms"
)

// The requesting side: facts of the requesting states (EU member states,
// Norway and Switzerland), the same whichever requested state the demo
// serves.

// detentionCentres are where the member states hold persons before removal
// (the places of consular interviews).
var detentionCentres = map[string][]string{
	"DE": {"Abschiebungshafteinrichtung Büren", "Abschiebungshaft Eichstätt", "Ausreisegewahrsam Hamburg"},
	"AT": {"Polizeianhaltezentrum Wien Rossauer Lände", "Anhaltezentrum Vordernberg"},
	"BE": {"Centre fermé 127bis, Steenokkerzeel", "Centre fermé de Vottem"},
	"FR": {"CRA de Paris-Vincennes", "CRA du Mesnil-Amelot"},
	"NL": {"Detentiecentrum Rotterdam", "Justitieel Complex Schiphol"},
	"NO": {"Politiets utlendingsinternat, Trandum"},
	"CH": {"Ausschaffungsgefängnis Bässlergut, Basel", "Flughafengefängnis Zürich"},
}

// departureAirports are where transit journeys start, by member state.
var departureAirports = map[string][]string{"DE": {"FRA", "MUC", "BER", "DUS"}, "AT": {"VIE"}, "BE": {"BRU"}, "FR": {"CDG", "LYS"}, "NL": {"AMS"},
	"NO": {"OSL"}, "CH": {"ZRH", "GVA"}}

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
	"NO": func(w *walk, year, seq int) string {
		return fmt.Sprintf("PU-%d-%05d / DUF %s", year, 500+seq, w.pattern("############"))
	},
	"CH": func(w *walk, year, seq int) string {
		return fmt.Sprintf("SEM-RÜ-%d-%04d / ZEMIS %s", year, 100+seq, w.pattern("########.#"))
	},
}

// authorities are the requesting states' requesting authorities, by key (the
// state's code in lower case); a demo lists the ones it serves.
var authorities = map[string]func() Org{
	"de": func() Org {
		return org("de", ercms.OrgRequestingAuthority, "DE", named(
			"Almaniya Federal Polis İdarəsi – Geri qaytarma (Bundespolizeipräsidium)",
			"Federal Police Headquarters, Germany – Returns (Bundespolizeipräsidium)",
			"Direction de la Police fédérale d'Allemagne – Retours (Bundespolizeipräsidium)",
			"Федеральное управление полиции Германии – возвращение (Bundespolizeipräsidium)"))
	},
	"at": func() Org {
		return org("at", ercms.OrgRequestingAuthority, "AT", named(
			"Avstriya Federal İmmiqrasiya və Sığınacaq İdarəsi (BFA)",
			"Federal Office for Immigration and Asylum, Austria (BFA)",
			"Office fédéral de l'immigration et de l'asile d'Autriche (BFA)",
			"Федеральное ведомство по делам иностранцев и убежища Австрии (BFA)"))
	},
	"be": func() Org {
		return org("be", ercms.OrgRequestingAuthority, "BE", named(
			"Belçika Əcnəbilər İdarəsi (Office des Étrangers / Dienst Vreemdelingenzaken)",
			"Immigration Office, Belgium (Office des Étrangers / Dienst Vreemdelingenzaken)",
			"Office des Étrangers (Belgique)",
			"Управление по делам иностранцев Бельгии (Office des Étrangers / Dienst Vreemdelingenzaken)"))
	},
	"fr": func() Org {
		return org("fr", ercms.OrgRequestingAuthority, "FR", named(
			"Fransa Əcnəbilər üzrə Baş İdarəsi (DGEF)",
			"Directorate-General for Foreign Nationals in France (DGEF)",
			"Direction générale des étrangers en France (DGEF)",
			"Главное управление по делам иностранцев Франции (DGEF)"))
	},
	"nl": func() Org {
		return org("nl", ercms.OrgRequestingAuthority, "NL", named(
			"Niderland Qayıdış və Gediş Xidməti (Dienst Terugkeer en Vertrek)",
			"Repatriation and Departure Service, Netherlands (Dienst Terugkeer en Vertrek)",
			"Service du retour et du départ des Pays-Bas (Dienst Terugkeer en Vertrek)",
			"Служба возвращения и выезда Нидерландов (Dienst Terugkeer en Vertrek)"))
	},
	"no": func() Org {
		return org("no", ercms.OrgRequestingAuthority, "NO", named(
			"Norveç Polisinin İmmiqrasiya Xidməti (Politiets utlendingsenhet)",
			"National Police Immigration Service, Norway (Politiets utlendingsenhet)",
			"Service de l'immigration de la police norvégienne (Politiets utlendingsenhet)",
			"Иммиграционная служба полиции Норвегии (Politiets utlendingsenhet)"))
	},
	"ch": func() Org {
		return org("ch", ercms.OrgRequestingAuthority, "CH", named(
			"İsveçrə Miqrasiya üzrə Dövlət Katibliyi (SEM)",
			"State Secretariat for Migration, Switzerland (SEM)",
			"Secrétariat d'État aux migrations, Suisse (SEM)",
			"Государственный секретариат по миграции Швейцарии (SEM)"))
	},
}
