package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ercms/ercms/mrz"
	"github.com/ercms/ercms/seal"
)

// keyring opens the signing keys of the deployment: <data dir>/keys, never
// the database, so that a copy of the database cannot forge documents.
func keyring(c Config) (*seal.Keyring, error) {
	return seal.OpenKeyring(filepath.Join(c.DataDir, "keys"), time.Now, rand.Reader)
}

// keysCmd lists, rotates, retires and exports the travel-document signing keys.
func keysCmd(_ context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	const use = "usage: ercms keys list | rotate | retire KID | export | certificates [--data DIR]"
	if len(args) == 0 {
		return exitError{code: exitUsage, msg: use}
	}
	sub, rest := args[0], args[1:]
	kid := ""
	if sub == "retire" {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return exitError{code: exitUsage, msg: use}
		}
		kid, rest = rest[0], rest[1:]
	}
	c, _, err := parse("keys "+sub, rest, getenv, nil)
	if err != nil {
		return usageError(err)
	}
	k, err := keyring(c)
	if err != nil {
		return err
	}
	switch sub {
	case "list":
		for _, p := range k.PublicKeys() {
			state := ""
			switch {
			case p.Active:
				state = "active"
			case p.Retired:
				state = "retired (verifies only)"
			}
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", p.ID, p.Created.Format(time.RFC3339), state)
		}
	case "rotate":
		id, err := k.Rotate()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "new signing key %s; older keys still verify the documents they signed\n", id)
	case "retire":
		if err := k.Retire(kid); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "private key %s destroyed; its public key still verifies\n", kid)
	case "export":
		b, err := k.ExportPublic()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
	case "certificates":
		b, err := k.Certificates()
		if err != nil {
			return err
		}
		if len(b) == 0 {
			return exitError{code: 1, msg: "no seal certificates yet: the first travel document printed makes them"}
		}
		_, err = stdout.Write(b)
		return err
	default:
		return exitError{code: exitUsage, msg: use}
	}
	return nil
}

// verifyDocumentCmd checks a travel document offline: its Visible Digital
// Seal (the DataMatrix's bytes in hex or base64) with the exported seal
// certificates, or an older document's token (or QR address) with the
// exported public keys: what a border post without a connection does.
func verifyDocumentCmd(_ context.Context, args []string, _ func(string) string, stdout, _ io.Writer) error {
	const use = "usage: ercms verify-document [--keys public-keys.json] [--certs certificates.pem] SEAL-OR-TOKEN"
	fs := flag.NewFlagSet("verify-document", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	keys := fs.String("keys", "", "public keys exported with ercms keys export (older documents' tokens)")
	certsFile := fs.String("certs", "", "seal certificates exported with ercms keys certificates (the DataMatrix seal)")
	if err := fs.Parse(args); err != nil || (*keys == "" && *certsFile == "") || fs.NArg() != 1 {
		return exitError{code: exitUsage, msg: use}
	}
	token := fs.Arg(0)
	if strings.Contains(token, "/verify?d=") {
		return exitError{code: exitUsage, msg: "a short link carries no signature: open it, or read the document's DataMatrix"}
	}
	if b, ok := seal.ReadSealText(token); ok {
		return verifySealCmd(b, *certsFile, *keys, stdout)
	}
	if *keys == "" {
		return exitError{code: exitUsage, msg: use}
	}
	b, err := os.ReadFile(*keys)
	if err != nil {
		return err
	}
	lookup, err := seal.ParsePublic(b)
	if err != nil {
		return err
	}
	if i := strings.Index(token, "?t="); i >= 0 { // the whole address of the QR code
		token = token[i+3:]
	}
	c, err := seal.Verify(token, lookup)
	if err != nil {
		msg := "NOT VALID: " + err.Error()
		if errors.Is(err, seal.ErrBadSignature) {
			msg = "NOT VALID: the signature does not match: the document was altered or forged"
		}
		return exitError{code: exitBroken, msg: msg}
	}
	fmt.Fprintf(stdout, "SIGNATURE VALID (key %s)\nnumber %s, %s, issued %s, valid until %s by %s\n%s %s, born %s, %s; case %s\n",
		c.KeyID, c.Number, c.Kind, c.IssuedOn, c.ValidUntil, c.IssuingState, c.Surname, c.GivenNames, c.DateOfBirth, c.Nationality, c.CaseReference)
	fmt.Fprintln(stdout, "Offline check: whether the document was later replaced or revoked shows on the verification page.")
	return nil
}

// verifySealCmd checks a seal's bytes with the certificates in certsFile,
// or else those exported with the public keys in keysFile.
func verifySealCmd(b []byte, certsFile, keysFile string, stdout io.Writer) error {
	var certs []*x509.Certificate
	switch {
	case certsFile != "":
		pemCerts, err := os.ReadFile(certsFile)
		if err != nil {
			return err
		}
		if certs, err = seal.ParseCertificates(pemCerts); err != nil {
			return err
		}
	case keysFile != "":
		exported, err := os.ReadFile(keysFile)
		if err != nil {
			return err
		}
		if certs, err = seal.ParsePublicCertificates(exported); err != nil {
			return err
		}
	}
	if len(certs) == 0 {
		return exitError{code: exitUsage, msg: "a seal is checked with the seal certificates: --certs certificates.pem (ercms keys certificates) or --keys public-keys.json exported after the first document was printed"}
	}
	v, err := seal.VerifyVDS(b, certs)
	switch {
	case errors.Is(err, seal.ErrBadSignature):
		return exitError{code: exitBroken, msg: "NOT VALID: the seal's signature does not match: the document was altered or forged"}
	case errors.Is(err, seal.ErrUnknownKey):
		return exitError{code: exitBroken, msg: "NOT VALID: the seal names a signer these certificates do not hold"}
	case err != nil:
		return exitError{code: exitBroken, msg: "NOT VALID: this is not a travel document's seal"}
	}
	lines := v.MRZ()
	if len(lines) != 2 || !mrz.Valid(lines[1]) {
		return exitError{code: exitBroken, msg: "NOT VALID: the seal's machine-readable zone has a wrong check digit"}
	}
	fmt.Fprintf(stdout, "SEAL VALID (signer %s, certificate %s, issuing state %s)\nnumber %s, issued %s, valid until %s, sealed %s\n%s\n%s\n",
		v.SignerID, v.CertRef, v.Country, mrz.DocumentNumber(lines[1]), v.IssuedOn.Format(time.DateOnly), mrz.Expiry(lines[1]), v.SignedOn.Format(time.DateOnly), lines[0], lines[1])
	fmt.Fprintln(stdout, "Offline check: whether the document was later replaced or revoked shows on the verification page.")
	return nil
}
