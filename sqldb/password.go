package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/matching"
	"golang.org/x/text/unicode/norm"

	"github.com/ercms/ercms"
)

// The password rule (OWASP ASVS, password security): 12 to 128 characters of any
// kind, no composition rules, and no password that a strength estimator
// with dictionaries of common passwords, words and names (zxcvbn) finds
// guessable, nor one made of the account's own names.

// MaxPasswordLength is the longest password accepted, in characters. It
// also bounds the work of the strength estimator, which grows with the
// square of the length (about a third of a second at 128 characters).
const MaxPasswordLength = 128

// MinPasswordScore is the least zxcvbn score accepted: 3 means at least
// 10^8 guesses, "safely unguessable" by zxcvbn's scale, which withstands an
// online attack and, against argon2id (DefaultArgon), a stolen database for
// a long time; 4 (10^10) would refuse many memorable passphrases of three
// words.
const MinPasswordScore = 3

// PasswordProblem returns why password may not be a password, an EInvalid
// error on the field "password", or nil when it may. userInputs are the
// words of the account (its username, the person's name, the
// organisation's names): a password made of them is refused.
func PasswordProblem(password string, userInputs ...string) error {
	var v ercms.Validation
	vetPassword(&v, password, userInputs...)
	return v.Err()
}

// vetPassword adds to v, on the field "password", the reason why password
// may not be set for an account described by userInputs, if it may not.
// Every place that sets a password checks it here. The reasons never
// repeat the password or part of it.
func vetPassword(v *ercms.Validation, password string, userInputs ...string) {
	switch n := utf8.RuneCountInString(password); {
	case n < MinPasswordLength:
		v.Add("password", "field.password.min_length", "min", MinPasswordLength)
	case n > MaxPasswordLength:
		v.Add("password", "field.password.too_long", "max", MaxPasswordLength)
	case !utf8.ValidString(password):
		v.Add("password", "field.password.guessable")
	default:
		if reason := guessable(password, userInputs); reason != "" {
			v.Add("password", reason)
		}
	}
}

// guessable returns the message key of the reason why the estimator finds
// password guessable, or "" when it scores MinPasswordScore or more.
//
// zxcvbn reads bytes and English keyboards: a letter of two bytes would
// count twice, and repeated Cyrillic or Azerbaijani letters would go
// unnoticed. So it reads the password written one ASCII character per
// letter (estimatorForms): Latin letters without their accents (ə as e, ı
// as i), Cyrillic letters as the key of the same place on an English
// keyboard ("пароль" is typed as "gfhjkm", a common password) and, when
// there are Cyrillic letters, a second time in the order of their alphabet
// (so that "абвгд" is a sequence); the weaker reading counts.
func guessable(password string, userInputs []string) string {
	var worst zxcvbn.Result
	words := accountWords(userInputs)
	for i, form := range estimatorForms(password) {
		var inputs []string
		for _, in := range words {
			inputs = append(inputs, estimatorForm(in, i == 0))
		}
		r := zxcvbn.PasswordStrength(form, inputs)
		if i == 0 || r.Guesses < worst.Guesses {
			worst = r
		}
	}
	if worst.Score >= MinPasswordScore {
		return ""
	}
	return guessableReason(worst.Sequence)
}

// guessableReason names, as a message key, what makes a password whose
// estimate found the matches seq guessable: the account's names when any
// part is made of them, else the kind of the longest part recognised.
func guessableReason(seq []*match.Match) string {
	var longest *match.Match
	for _, m := range seq {
		if fromUser(m) {
			return "field.password.personal"
		}
		if m.Pattern != "bruteforce" && (longest == nil || m.J-m.I > longest.J-longest.I) {
			longest = m
		}
	}
	if longest == nil {
		return "field.password.guessable"
	}
	switch longest.Pattern {
	case "repeat":
		return "field.password.repeated"
	case "sequence":
		return "field.password.sequence"
	case "spatial":
		return "field.password.keyboard"
	case "date", "regex": // the only regex is a recent year
		return "field.password.date"
	case "dictionary":
		if longest.DictionaryName != "passwords" {
			return "field.password.guessable"
		}
		// A common password that is a sequence, a repeat or a line of
		// keys (123456789, qwertyuiop) is told as such, in that order.
		shapes := map[string]bool{}
		for _, m := range matching.Omnimatch(longest.Token, nil) {
			if m.I == 0 && m.J == len(longest.Token)-1 {
				shapes[m.Pattern] = true
			}
		}
		switch {
		case shapes["sequence"]:
			return "field.password.sequence"
		case shapes["repeat"]:
			return "field.password.repeated"
		case shapes["spatial"]:
			return "field.password.keyboard"
		}
		return "field.password.common"
	}
	return "field.password.guessable"
}

// fromUser reports whether m, or the part a repeat repeats, is made of
// the account's own words.
func fromUser(m *match.Match) bool {
	if m.Pattern == "dictionary" && m.DictionaryName == "user_inputs" {
		return true
	}
	for _, b := range m.BaseMatches {
		if fromUser(b) {
			return true
		}
	}
	return false
}

// accountWords returns the words the estimator knows as the account's: each
// value in lower case, its words run together, and each word of three
// letters or more, the first of every duplicate kept (the estimator ranks
// them in order).
func accountWords(values []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, v := range values {
		v = strings.ToLower(strings.TrimSpace(v))
		add(v)
		words := strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		add(strings.Join(words, ""))
		for _, w := range words {
			if utf8.RuneCountInString(w) >= 3 {
				add(w)
			}
		}
	}
	return out
}

// estimatorForms returns the forms of password the estimator reads (see
// guessable): by keyboard, and by alphabet when it has Cyrillic letters.
func estimatorForms(password string) []string {
	forms := []string{estimatorForm(password, true)}
	if strings.ContainsFunc(password, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
		forms = append(forms, estimatorForm(password, false))
	}
	return forms
}

// estimatorForm writes s one ASCII character per letter: accents dropped;
// the Latin and Cyrillic letters that have no accent to drop by their
// nearest ASCII letter (asciiLetters); the letters of the Russian alphabet
// by the key at their place on a QWERTY keyboard when keyboard is true, else
// by the letter at their place in the alphabet (а→a … ш→z, then again from
// a); and every other character by a control character of its code point
// modulo 18, which keeps repeats and matches no word.
func estimatorForm(s string, keyboard bool) string {
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		if base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r))); base < utf8.RuneSelf && russianKeys[r] == 0 {
			r = base // a letter with an accent (but й and ё are letters of their own)
		}
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case asciiLetters[r] != 0:
			b.WriteByte(asciiLetters[r])
		case keyboard && russianKeys[r] != 0:
			b.WriteByte(russianKeys[r])
		case !keyboard && russianOrder[r] != 0:
			b.WriteByte(russianOrder[r])
		default:
			b.WriteByte(0x0e + byte(r%18))
		}
	}
	return b.String()
}

// runeBytes maps the runes of from to the bytes of to, one for one.
func runeBytes(from, to string) map[rune]byte {
	m := map[rune]byte{}
	for i, r := range []rune(from) {
		m[r] = to[i]
	}
	return m
}

const (
	russianLower = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
	russianUpper = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
)

// asciiLetters are the Latin letters that do not decompose into an ASCII
// letter and an accent, and the Cyrillic letters of Azerbaijani and
// Ukrainian that are not on a Russian keyboard, with their nearest ASCII
// letter.
var asciiLetters = runeBytes("əƏıßæÆøØłŁđĐœŒ"+"әғҹҝһөүјіїєґўӘҒҸҜҺӨҮЈІЇЄҐЎ", "eEisaAoOlLdDoO"+"egckhouyiieguEGCKHOUYIIEGU")

// russianKeys maps the letters of the Russian keyboard (ЙЦУКЕН) to the
// characters of the same keys on a QWERTY keyboard.
var russianKeys = runeBytes(russianLower+russianUpper,
	"f,dult`;pbqrkvyjghcnea[wxio]sm'.z"+"F<DULT~:PBQRKVYJGHCNEA{WXIO}SM\">Z")

// russianOrder maps the letters of the Russian alphabet to the letters of
// the Latin one in the same order, from a again after the 26th.
var russianOrder = runeBytes(russianLower+russianUpper,
	"abcdefghijklmnopqrstuvwxyzabcdefg"+"ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG")

// refusePassword returns why password may not be the password of the user
// userID (an EInvalid error on the field "password"), or nil when it may.
func (s *DB) refusePassword(ctx context.Context, userID, password string) error {
	var username, name, orgName, orgNames string
	err := s.rdb.QueryRowContext(ctx, `SELECT u.username, u.display_name, o.name, o.names
		FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1`, userID).Scan(&username, &name, &orgName, &orgNames)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var v ercms.Validation
	vetPassword(&v, password, append([]string{username, name, orgName}, jsonValues(orgNames)...)...)
	if err := v.Err(); err != nil {
		e := err.(*ercms.Error)
		e.Message = "err.password.refused"
		if utf8.RuneCountInString(password) < MinPasswordLength {
			e.Message = "err.password.too_short"
		}
		return e
	}
	return nil
}

// vetNewUserPassword adds to v why the password of n may not be set, if
// it may not.
func (s *DB) vetNewUserPassword(ctx context.Context, v *ercms.Validation, n NewUser) error {
	var orgName, orgNames string
	err := s.rdb.QueryRowContext(ctx, `SELECT name, names FROM organisations WHERE id = $1`, n.OrgID).Scan(&orgName, &orgNames)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	vetPassword(v, n.Password, append([]string{n.Username, n.DisplayName, orgName}, jsonValues(orgNames)...)...)
	return nil
}

// jsonValues returns the values of a JSON object of strings (an
// organisation's names by language), or none.
func jsonValues(s string) []string {
	var m map[string]string
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
