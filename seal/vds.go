package seal

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// A Visible Digital Seal (ICAO Doc 9303 Part 13) is the travel document's
// data signed with ECDSA P-256/SHA-256 by a document signer certificate of
// the deployment, itself signed by a self-signed country signing CA. Its
// bytes are a header, a message zone of TLV features and a signature zone:
//
//	header:    0xDC, version 0x03 (format 4), issuing country (C40), signer
//	           identifier + length + certificate reference (C40), date of
//	           issue and of signature (3 bytes each, MMDDYYYY as a number),
//	           feature definition reference, document type category
//	message:   tag, BER length, value; repeated
//	signature: 0xFF, BER length, r||s (32 bytes each)
//
// The signature covers the header and the message zone exactly as carried.

// Seal header constants.
const (
	VDSMagic   = 0xDC
	VDSVersion = 0x03 // version 4 of the header
	// FeatureRefETD and CategoryETD name the emergency travel document
	// profile of Doc 9303 Part 13.
	FeatureRefETD = 0x5E
	CategoryETD   = 0x03
	// TagMRZ carries the TD3 machine-readable zone (C40, '<' as space).
	TagMRZ = 0x02
	// TagSignature opens the signature zone.
	TagSignature = 0xFF
)

// Feature is one TLV feature of the message zone.
type Feature struct {
	Tag   byte
	Value []byte
}

// VDS is a decoded seal.
type VDS struct {
	Country    string // three letters as in the MRZ ("AZE", "D<<")
	SignerID   string // four characters: country alpha-2 and two more
	CertRef    string // the document signer certificate's serial number in hex
	IssuedOn   time.Time
	SignedOn   time.Time
	FeatureRef byte
	Category   byte
	Features   []Feature
	Signature  []byte
	signed     []byte
}

// Feature returns the value of the first feature with tag, or nil.
func (v VDS) Feature(tag byte) []byte {
	for _, f := range v.Features {
		if f.Tag == tag {
			return f.Value
		}
	}
	return nil
}

// MRZ returns the machine-readable zone the seal carries, in two lines.
func (v VDS) MRZ() []string {
	b := v.Feature(TagMRZ)
	if b == nil {
		return nil
	}
	s, err := C40Decode(b)
	if err != nil {
		return nil
	}
	s = strings.ReplaceAll(s, " ", "<")
	if len(s)%2 != 0 {
		return []string{s}
	}
	return []string{s[:len(s)/2], s[len(s)/2:]}
}

// MRZFeature encodes the MRZ lines as the seal's feature.
func MRZFeature(lines ...string) (Feature, error) {
	b, err := C40Encode(strings.ReplaceAll(strings.Join(lines, ""), "<", " "))
	return Feature{Tag: TagMRZ, Value: b}, err
}

// c40 values: 0 shift 1 (the padding), 3 space, 4–13 digits, 14–39 A–Z.
func c40Value(r byte) (int, bool) {
	switch {
	case r == ' ':
		return 3, true
	case r >= '0' && r <= '9':
		return int(r-'0') + 4, true
	case r >= 'A' && r <= 'Z':
		return int(r-'A') + 14, true
	}
	return 0, false
}

func c40Char(v int) (byte, bool) {
	switch {
	case v == 3:
		return ' ', true
	case v >= 4 && v <= 13:
		return byte('0' + v - 4), true
	case v >= 14 && v <= 39:
		return byte('A' + v - 14), true
	}
	return 0, false
}

// C40Encode encodes capitals, digits and spaces three to two bytes; two
// characters left over are padded with shift 1, one is written as 0xFE
// followed by its ASCII code plus one (Doc 9303 Part 13).
func C40Encode(s string) ([]byte, error) {
	var out []byte
	for i := 0; i < len(s); i += 3 {
		rest := len(s) - i
		if rest == 1 {
			if _, ok := c40Value(s[i]); !ok {
				return nil, fmt.Errorf("seal: %q cannot be written in C40", s[i])
			}
			return append(out, 0xFE, s[i]+1), nil
		}
		var v [3]int
		for j := 0; j < 3 && j < rest; j++ {
			c, ok := c40Value(s[i+j])
			if !ok {
				return nil, fmt.Errorf("seal: %q cannot be written in C40", s[i+j])
			}
			v[j] = c
		}
		u := 1600*v[0] + 40*v[1] + v[2] + 1
		out = append(out, byte(u>>8), byte(u))
	}
	return out, nil
}

// C40Decode reverses C40Encode.
func C40Decode(b []byte) (string, error) {
	var out []byte
	for i := 0; i < len(b); i += 2 {
		if i+1 >= len(b) {
			return "", ErrMalformed
		}
		if b[i] == 0xFE {
			out = append(out, b[i+1]-1)
			continue
		}
		u := int(b[i])<<8 | int(b[i+1])
		if u == 0 {
			return "", ErrMalformed
		}
		u--
		for _, v := range []int{u / 1600, (u / 40) % 40, u % 40} {
			if v == 0 {
				continue // shift 1: padding
			}
			c, ok := c40Char(v)
			if !ok {
				return "", ErrMalformed
			}
			out = append(out, c)
		}
	}
	return string(out), nil
}

// c40Len is how many bytes n characters take in C40.
func c40Len(n int) int { return (n + 2) / 3 * 2 }

func appendDate(out []byte, t time.Time) []byte {
	v := int(t.Month())*1000000 + t.Day()*10000 + t.Year()
	return append(out, byte(v>>16), byte(v>>8), byte(v))
}

func readDate(b []byte) (time.Time, error) {
	v := int(b[0])<<16 | int(b[1])<<8 | int(b[2])
	m, d, y := v/1000000, v/10000%100, v%10000
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || t.Day() != d {
		return time.Time{}, ErrMalformed
	}
	return t, nil
}

func appendLen(out []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(out, byte(n))
	case n < 0x100:
		return append(out, 0x81, byte(n))
	}
	return append(out, 0x82, byte(n>>8), byte(n))
}

func readLen(b []byte) (n, used int, err error) {
	if len(b) == 0 {
		return 0, 0, ErrMalformed
	}
	switch {
	case b[0] < 0x80:
		return int(b[0]), 1, nil
	case b[0] == 0x81 && len(b) >= 2:
		return int(b[1]), 2, nil
	case b[0] == 0x82 && len(b) >= 3:
		return int(b[1])<<8 | int(b[2]), 3, nil
	}
	return 0, 0, ErrMalformed
}

// encodeUnsigned writes the header and message zone of v.
func encodeUnsigned(v VDS) ([]byte, error) {
	country, err := C40Encode(strings.ReplaceAll(v.Country, "<", " "))
	if err != nil || len(country) != 2 {
		return nil, fmt.Errorf("seal: issuing country %q: %w", v.Country, ErrMalformed)
	}
	out := []byte{VDSMagic, VDSVersion}
	out = append(out, country...)
	signer, err := C40Encode(fmt.Sprintf("%s%02X%s", v.SignerID, len(v.CertRef), v.CertRef))
	if err != nil || len(v.SignerID) != 4 {
		return nil, fmt.Errorf("seal: signer %q: %w", v.SignerID, ErrMalformed)
	}
	out = append(out, signer...)
	out = appendDate(out, v.IssuedOn)
	out = appendDate(out, v.SignedOn)
	out = append(out, v.FeatureRef, v.Category)
	for _, f := range v.Features {
		out = append(out, f.Tag)
		out = appendLen(out, len(f.Value))
		out = append(out, f.Value...)
	}
	return out, nil
}

// DecodeVDS reads a seal's bytes without checking its signature.
func DecodeVDS(b []byte) (VDS, error) {
	var v VDS
	if len(b) < 4 || b[0] != VDSMagic || b[1] != VDSVersion {
		return v, ErrMalformed
	}
	country, err := C40Decode(b[2:4])
	if err != nil {
		return v, err
	}
	v.Country = strings.ReplaceAll(country, " ", "<")
	i := 4
	if len(b) < i+4 {
		return v, ErrMalformed
	}
	head, err := C40Decode(b[i : i+4]) // signer id (4) and the reference's length (2 hex)
	if err != nil || len(head) != 6 {
		return v, ErrMalformed
	}
	i += 4
	var n int
	if _, err := fmt.Sscanf(head[4:], "%02X", &n); err != nil {
		return v, ErrMalformed
	}
	if len(b) < i+c40Len(n) {
		return v, ErrMalformed
	}
	ref, err := C40Decode(b[i : i+c40Len(n)])
	if err != nil || len(ref) != n {
		return v, ErrMalformed
	}
	i += c40Len(n)
	v.SignerID, v.CertRef = head[:4], ref
	if len(b) < i+8 {
		return v, ErrMalformed
	}
	if v.IssuedOn, err = readDate(b[i:]); err != nil {
		return v, err
	}
	if v.SignedOn, err = readDate(b[i+3:]); err != nil {
		return v, err
	}
	v.FeatureRef, v.Category = b[i+6], b[i+7]
	i += 8
	for i < len(b) {
		tag := b[i]
		l, used, err := readLen(b[i+1:])
		if err != nil || len(b) < i+1+used+l {
			return v, ErrMalformed
		}
		val := b[i+1+used : i+1+used+l]
		if tag == TagSignature {
			v.signed, v.Signature = b[:i], val
			if i+1+used+l != len(b) {
				return v, ErrMalformed
			}
			return v, nil
		}
		v.Features = append(v.Features, Feature{Tag: tag, Value: val})
		i += 1 + used + l
	}
	return v, ErrMalformed // no signature zone
}

// VerifyVDS decodes a seal and checks its signature with the document
// signer certificate it names, which a country signing CA among certs must
// have signed. It returns ErrMalformed, ErrUnknownKey or ErrBadSignature.
func VerifyVDS(b []byte, certs []*x509.Certificate) (VDS, error) {
	v, err := DecodeVDS(b)
	if err != nil {
		return VDS{}, err
	}
	ds := findSigner(certs, v.SignerID, v.CertRef)
	if ds == nil {
		return v, ErrUnknownKey
	}
	pub, ok := ds.PublicKey.(*ecdsa.PublicKey)
	if !ok || len(v.Signature) != 64 {
		return v, ErrBadSignature
	}
	sum := sha256.Sum256(v.signed)
	r, s := new(big.Int).SetBytes(v.Signature[:32]), new(big.Int).SetBytes(v.Signature[32:])
	if !ecdsa.Verify(pub, sum[:], r, s) {
		return v, ErrBadSignature
	}
	return v, nil
}

// findSigner finds the document signer certificate named by a seal and
// chained to a country signing CA of certs.
func findSigner(certs []*x509.Certificate, signerID, ref string) *x509.Certificate {
	for _, c := range certs {
		if c.IsCA || certRef(c) != ref || signerIDOf(c) != signerID {
			continue
		}
		for _, ca := range certs {
			if ca.IsCA && c.CheckSignatureFrom(ca) == nil {
				return c
			}
		}
	}
	return nil
}

func certRef(c *x509.Certificate) string { return fmt.Sprintf("%X", c.SerialNumber) }

// signerIDOf is the signer identifier of a document signer certificate:
// its country and the first two characters of its serial number.
func signerIDOf(c *x509.Certificate) string {
	if len(c.Subject.Country) == 0 {
		return ""
	}
	return strings.ToUpper(c.Subject.Country[0]) + certRef(c)[:2]
}

// vdsFile names a file of a country's seal signer.
func (k *Keyring) vdsFile(country, ext string) string {
	return filepath.Join(k.dir, "vds-"+strings.ToLower(country)+ext)
}

// documentSigner returns the document signer certificate and key for
// country (ISO alpha-2), making the country signing CA and the document
// signer the first time. They live in one file, vds-<cc>.key (mode 0600:
// the signer's key and certificate, the CA's certificate and key), made
// with an exclusive link so that nodes sharing the directory and printing
// their first document at once agree on one signer; vds-<cc>.pem holds the
// two certificates that verifiers load.
func (k *Keyring) documentSigner(country string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	country = strings.ToUpper(country)
	if len(country) != 2 {
		return nil, nil, fmt.Errorf("seal: issuing country %q", country)
	}
	cert, key, err := k.readSigner(country)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return cert, key, err
	}
	bundle, err := k.newSigner(country)
	if err != nil {
		return nil, nil, err
	}
	tmp, err := os.CreateTemp(k.dir, ".tmp-*")
	if err != nil {
		return nil, nil, fmt.Errorf("seal: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(bundle)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, fmt.Errorf("seal: %w", err)
	}
	// Link fails when the file exists: another node made the signer first.
	if err := os.Link(tmp.Name(), k.vdsFile(country, ".key")); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, nil, fmt.Errorf("seal: %w", err)
	}
	return k.readSigner(country)
}

// newSigner makes a country signing CA and a document signer it signs, as
// the PEM blocks of the signer's file.
func (k *Keyring) newSigner(country string) ([]byte, error) {
	now := k.now().UTC()
	serial := func() (*big.Int, error) {
		b := make([]byte, 4)
		if _, err := io.ReadFull(k.rand, b); err != nil {
			return nil, err
		}
		b[0] |= 0x10 // eight hex digits, never a leading zero
		return new(big.Int).SetBytes(b), nil
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), k.rand)
	if err != nil {
		return nil, err
	}
	caSerial, err := serial()
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{SerialNumber: caSerial, Subject: pkix.Name{Country: []string{country}, Organization: []string{"eRCMS"}, CommonName: "eRCMS country signing CA " + country},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(15, 0, 0), IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, err := x509.CreateCertificate(k.rand, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	dsKey, err := ecdsa.GenerateKey(elliptic.P256(), k.rand)
	if err != nil {
		return nil, err
	}
	dsSerial, err := serial()
	if err != nil {
		return nil, err
	}
	dsTmpl := &x509.Certificate{SerialNumber: dsSerial, Subject: pkix.Name{Country: []string{country}, Organization: []string{"eRCMS"}, CommonName: "eRCMS document signer " + country},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature, BasicConstraintsValid: true}
	dsDER, err := x509.CreateCertificate(k.rand, dsTmpl, ca, &dsKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for _, key := range []*ecdsa.PrivateKey{dsKey, caKey} {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, err
		}
		_ = pem.Encode(&out, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}
	_ = pem.Encode(&out, &pem.Block{Type: "CERTIFICATE", Bytes: dsDER})
	_ = pem.Encode(&out, &pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return out.Bytes(), nil
}

// readSigner reads a country's signer file: the first key and the first
// certificate are the document signer's. It writes the certificates for
// verifiers when they are missing.
func (k *Keyring) readSigner(country string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	p := k.vdsFile(country, ".key")
	fi, err := os.Stat(p)
	if err != nil {
		return nil, nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, nil, fmt.Errorf("seal: %s: readable by others (mode %v); make it 0600", filepath.Base(p), fi.Mode().Perm())
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, nil, fmt.Errorf("seal: %w", err)
	}
	certs, err := ParseCertificates(b)
	if err != nil || len(certs) != 2 {
		return nil, nil, fmt.Errorf("seal: %s: not a signer and its CA", filepath.Base(p))
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, nil, fmt.Errorf("seal: %s: no private key", filepath.Base(p))
	}
	key, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	ec, ok := key.(*ecdsa.PrivateKey)
	if err != nil || !ok {
		return nil, nil, fmt.Errorf("seal: %s: not an ECDSA private key", filepath.Base(p))
	}
	pub := k.vdsFile(country, ".pem")
	if _, err := os.Stat(pub); errors.Is(err, fs.ErrNotExist) {
		var out bytes.Buffer
		for _, c := range certs {
			_ = pem.Encode(&out, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
		}
		if err := writeFile(pub, out.Bytes(), 0o644); err != nil {
			return nil, nil, fmt.Errorf("seal: %w", err)
		}
	}
	return certs[0], ec, nil
}

// SealData is what a seal says of a travel document.
type SealData struct {
	IssuingState string // ISO alpha-2: whose document signer signs
	Country      string // as the MRZ writes it ("AZE", "D<<")
	IssuedOn     time.Time
	MRZ          []string
}

// SealVDS signs a travel document's seal with the issuing state's document
// signer (made the first time) and returns its bytes.
func (k *Keyring) SealVDS(d SealData) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	cert, key, err := k.documentSigner(d.IssuingState)
	if err != nil {
		return nil, err
	}
	f, err := MRZFeature(d.MRZ...)
	if err != nil {
		return nil, err
	}
	v := VDS{Country: d.Country, SignerID: signerIDOf(cert), CertRef: certRef(cert), IssuedOn: d.IssuedOn, SignedOn: k.now().UTC(),
		FeatureRef: FeatureRefETD, Category: CategoryETD, Features: []Feature{f}}
	msg, err := encodeUnsigned(v)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(msg)
	r, s, err := ecdsa.Sign(k.rand, key, sum[:])
	if err != nil {
		return nil, err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	msg = append(msg, TagSignature)
	msg = appendLen(msg, len(sig))
	return append(msg, sig...), nil
}

// Certificates lists the seal certificates of the deployment (country
// signing CAs and document signers), in PEM: the file a border reader
// loads to verify seals.
func (k *Keyring) Certificates() ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	entries, err := os.ReadDir(k.dir)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "vds-") && strings.HasSuffix(e.Name(), ".pem") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	var out bytes.Buffer
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(k.dir, n))
		if err != nil {
			return nil, fmt.Errorf("seal: %w", err)
		}
		out.Write(b)
	}
	return out.Bytes(), nil
}

// ParseCertificates reads PEM certificates (a Certificates file).
func ParseCertificates(b []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("seal: certificate: %w", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// ReadSealText reads a seal as a reader hands it over: its bytes in hex or
// in base64 (standard or URL alphabet, padded or not); ok is false when s
// is not a seal (for example an older document's token).
func ReadSealText(s string) (b []byte, ok bool) {
	s = strings.Join(strings.Fields(s), "")
	if b, err := hex.DecodeString(s); err == nil && len(b) > 0 && b[0] == VDSMagic {
		return b, true
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) > 0 && b[0] == VDSMagic {
			return b, true
		}
	}
	return nil, false
}
