package demo

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Casework is what the demonstration cases of one deployment are made of:
// the people (names, places, languages, document numbers), the flights and
// the texts the officials of both sides write, in the deployment's working
// language. SeedCases holds the lifecycle and no country facts: everything
// here is data of one Country.
type Casework struct {
	// Own is the requested state's nationals.
	Own Nation
	// Stateless is the stateless persons who held a permit of the requested state.
	Stateless Nation
	// ThirdCountries are the nationals of other states who held a visa or
	// permit of the requested state, drawn with ThirdWeights.
	ThirdCountries []Nation
	ThirdWeights   []int
	// Transit are the countries of destination of transit requests (each
	// with its Airport), drawn with TransitWeights.
	Transit        []Nation
	TransitWeights []int
	// AddressTowns and Streets make the last address in the requested state
	// (the place of birth is one more choice of town).
	AddressTowns []string
	Streets      []string
	// MemberStateWeights says how often each member state requests (10 for
	// a partner state not listed).
	MemberStateWeights map[string]int
	// Flights are the return flights to the crossing point by member state.
	Flights map[string][]string
	// BorderOfficers are the names of the officers who record handovers.
	BorderOfficers []string
	// Refusal grounds of own nationals, third-country nationals and transit
	// requests (Weight only counts for transit).
	OwnRefusals, ThirdCountryRefusals, TransitRefusals []Refusal
	// FlagClearances is the supervisor's reason for clearing each safeguard flag.
	FlagClearances map[string]string
	// Texts holds every other text by key (textKeys): a list of variants,
	// one drawn at random. A text is a fmt format where the key takes
	// arguments, and a pattern: # stands for a random digit and {a|b|c}
	// for one of the alternatives (document numbers, flight numbers).
	Texts map[string][]string
}

// Spelling is a name in Latin letters and as written in its original script
// ("" when Latin is the original).
type Spelling struct{ Latin, Original string }

// Nation holds the names, places and languages of the people of one state.
type Nation struct {
	// Code is the state (ISO 3166-1 alpha-2), ercms.CountryStateless (XXA) for stateless people.
	Code string
	// Country and Adjective name the state and its nationals in the texts.
	Country, Adjective string
	// Script is the ISO 15924 code of the original-script names.
	Script string
	// OrigShare is the share of people whose original-script name is on
	// file; with OldUntil set, OldShare is that of people born in or before
	// the year OldUntil (older documents, e.g. Soviet-era Cyrillic).
	OrigShare float64
	OldUntil  int
	OldShare  float64
	// Feminine: women's surnames ending in -v add -a (Cyrillic -а).
	Feminine bool
	// Patronymic adds the father's name to the given names now and then.
	Patronymic *Patronymic
	// ParentNames records the father's and mother's names; ParentSurnames
	// writes them with a surname (else the given name only).
	ParentNames, ParentSurnames bool
	Surnames                    []Spelling // men's forms
	Men, Women                  []Spelling
	Places                      []string
	Languages                   []string
	// ExtraLanguage is spoken too by a share ExtraShare of the people.
	ExtraLanguage string
	ExtraShare    float64
	// PreviousNationality of stateless people (e.g. SU), if any.
	PreviousNationality string
	// Passport is the pattern of the state's passport numbers ("" none);
	// PassportMonths its validity (120 when 0).
	Passport       string
	PassportMonths int
	// Airport is the airport of destination of transit requests.
	Airport string
}

// Patronymic is how given names carry the father's name: "<father> oğlu".
type Patronymic struct {
	Son, Daughter                 string // suffixes in Latin letters
	SonOriginal, DaughterOriginal string // in the original script
}

// Refusal is a ground of refusal: the reason codes with the officer's text.
type Refusal struct {
	Reasons []string
	Text    string
	Weight  int
}

// textKeys lists the keys of Casework.Texts that SeedCases uses.
var textKeys = []string{
	// the central authority and the supervisor
	"proposal.returned", "reply.extension", "info.question", "info.answer",
	// verification tasks and their answers
	"task.birth_record", "task.own_document", "task.own_search", "task.address", "task.permit", "task.stay", "task.identity",
	"number.unknown",
	"answer.birth_record", "answer.birth_record.negative", "answer.own_document", "answer.permit", "answer.document.negative",
	"answer.address", "answer.stay", "answer.records.negative",
	// interviews
	"interview.video", "answer.interview", "answer.interview.negative", "centre.default",
	// travel documents, transfers and handovers
	"td.number", "flight.charter", "transfer.medical", "transfer.security",
	"handover.passport", "handover.eu_document", "handover.travel_document",
	"transfer.objection", "transfer.postponement", "transfer.absconded", "transfer.no_show", "transfer_window.extension",
	// after the transfer, withdrawals
	"takeback.reason", "consent_withdrawal.reason", "maintain.reason", "withdraw.other",
	// transit
	"transit.assistance", "transit.itinerary", "transit.observation",
	// the application
	"observation", "observation.accelerated", "health", "description", "eyes", "hair", "address",
	"permit.default", "permit.visa", "permit.temporary", "permit.permanent",
	// evidence of own nationals
	"ev.passport.place", "ev.passport.authority", "ev.id_card.number", "ev.id_card.authority",
	"ev.expired.number", "ev.expired.authority", "ev.expired.note", "ev.copy.note", "ev.birth.number", "ev.birth.authority",
	"ev.driving.number", "ev.driving.authority", "ev.military.number", "ev.military.authority",
	"ev.statement.note", "ev.language_test.note", "ev.witness.note", "ev.fingerprints.note",
	// evidence of third-country nationals and stateless persons
	"ev.foreign_passport.note", "ev.permit.number", "ev.permit.authority", "ev.visa.number", "ev.visa.authority", "ev.visa.note",
	"ev.stamp.place", "ev.stamp.note", "ev.hotel.place", "ev.hotel.note", "ev.ticket.note", "ev.passenger_list.note",
	"ev.rental.place", "ev.rental.note", "ev.card.place", "ev.card.note", "ev.employer.note",
	"ev.stateless.number", "ev.stateless.note",
}

// check reports what SeedCases would miss in cw.
func (cw *Casework) check() error {
	var missing []string
	for _, k := range textKeys {
		if len(cw.Texts[k]) == 0 || slices.Contains(cw.Texts[k], "") {
			missing = append(missing, "text "+k)
		}
	}
	nations := append([]Nation{cw.Own, cw.Stateless}, cw.ThirdCountries...)
	nations = append(nations, cw.Transit...)
	for _, n := range nations {
		if n.Code == "" || len(n.Surnames) == 0 || len(n.Men) == 0 || len(n.Women) == 0 || len(n.Places) == 0 || len(n.Languages) == 0 {
			missing = append(missing, "names, places and languages of nation "+cmp.Or(n.Code, "(no code)"))
		}
	}
	for _, n := range cw.Transit {
		if n.Airport == "" || n.Passport == "" {
			missing = append(missing, "airport and passport pattern of transit nation "+n.Code)
		}
	}
	switch {
	case len(cw.ThirdCountries) == 0 || len(cw.ThirdWeights) != len(cw.ThirdCountries):
		missing = append(missing, "third countries with one weight each")
	case len(cw.Transit) == 0 || len(cw.TransitWeights) != len(cw.Transit):
		missing = append(missing, "transit nations with one weight each")
	}
	if cw.Own.Passport == "" {
		missing = append(missing, "the pattern of the own nationals' passport numbers")
	}
	if len(cw.AddressTowns) == 0 || len(cw.Streets) == 0 || len(cw.BorderOfficers) == 0 {
		missing = append(missing, "address towns, streets and border officers")
	}
	if len(cw.OwnRefusals) == 0 || len(cw.ThirdCountryRefusals) == 0 || len(cw.TransitRefusals) == 0 {
		missing = append(missing, "refusal grounds")
	}
	for _, r := range cw.TransitRefusals {
		if r.Weight <= 0 {
			missing = append(missing, "a positive weight of every transit refusal")
			break
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("demo: the casework lacks %s", strings.Join(missing, ", "))
	}
	return nil
}

// unknownTexts lists the keys of cw.Texts that SeedCases does not use.
func (cw *Casework) unknownTexts() []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(cw.Texts)) {
		if !slices.Contains(textKeys, k) {
			out = append(out, k)
		}
	}
	return out
}

// text draws a variant of the text key, fills its pattern and formats it with args.
func (w *walk) text(key string, args ...any) string {
	vs := w.s.cw.Texts[key]
	if len(vs) == 0 {
		return ""
	}
	v := vs[0]
	if len(vs) > 1 {
		v = vs[w.rng.IntN(len(vs))]
	}
	v = w.pattern(v)
	if len(args) > 0 {
		v = fmt.Sprintf(v, args...)
	}
	return v
}

// pattern fills a pattern: # becomes a random digit, {a|b|c} one of the
// alternatives (which may hold # themselves); everything else stays.
func (w *walk) pattern(p string) string {
	if !strings.ContainsAny(p, "#{") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '#':
			b.WriteByte(byte('0' + w.rng.IntN(10)))
		case '{':
			end := strings.IndexByte(p[i:], '}')
			if end < 0 {
				b.WriteString(p[i:])
				return b.String()
			}
			alts := strings.Split(p[i+1:i+end], "|")
			b.WriteString(w.pattern(alts[w.rng.IntN(len(alts))]))
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
