// Package names turns personal names, as they appear in readmission files, into
// comparable forms.
//
// A person returned under the readmission agreement is usually known under several
// spellings of one name: the Azerbaijani Latin original (Məmmədov), the Soviet-era
// Russified form in Cyrillic (Мамедов) or its romanisation (Mamedov), the Azerbaijani
// Cyrillic spelling of 1958–1991 (Мәммәдов) and the passport's machine-readable zone
// (MAMMADOV). The package provides four forms, from faithful to loose:
//
//   - [Latin]: the name in Latin script, for display. Azerbaijani Cyrillic follows the
//     official 1958/1991 letter correspondence, Russian (and other Slavic) Cyrillic a
//     Russian-passport style romanisation. Latin input is only normalised to NFC.
//   - [ICAO]: the ICAO Doc 9303 machine-readable form (A–Z and '<'), as printed in an MRZ.
//   - [Key]: an exact search key in lower-case ASCII; equal keys mean the same spelling
//     up to script, case, diacritics and punctuation.
//   - [Skeleton]: a phonetic key that brings together the usual Azerbaijani, Russian and
//     MRZ spellings of one name while keeping different names apart.
//
// [Tokens] splits a name into per-word keys for indexing.
//
// The conversions use explicit tables written for this package; general-purpose
// transliterators are not used because they mishandle Azerbaijani (one maps ə to '@').
// Case is never folded with [strings.ToLower] on Azerbaijani text: the keys fold i, ı, İ
// and I to ASCII before lower-casing, and where Latin must upper-case an Azerbaijani
// letter it uses [unicode.TurkishCase] (и → i, И → İ; ы → ı, Ы → I).
//
// All functions are pure, safe for concurrent use, and accept any string, including
// invalid UTF-8 (which is treated as a separator).
package names
