package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ercms/ercms/seal"
)

// keyring opens the signing keys of the deployment: <data dir>/keys, never
// the database, so that a copy of the database cannot forge documents.
func keyring(c Config) (*seal.Keyring, error) {
	return seal.OpenKeyring(filepath.Join(c.DataDir, "keys"), time.Now, rand.Reader)
}

// keysCmd lists, rotates, retires and exports the travel-document signing keys.
func keysCmd(_ context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	const use = "usage: ercms keys list | rotate | retire KID | export [--data DIR]"
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
	default:
		return exitError{code: exitUsage, msg: use}
	}
	return nil
}

// verifyDocumentCmd checks a travel document's token offline with an
// exported public-key file: what a border post without a connection does.
func verifyDocumentCmd(_ context.Context, args []string, _ func(string) string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("verify-document", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	keys := fs.String("keys", "", "public keys exported with ercms keys export")
	if err := fs.Parse(args); err != nil || *keys == "" || fs.NArg() != 1 {
		return exitError{code: exitUsage, msg: "usage: ercms verify-document --keys public-keys.json TOKEN"}
	}
	b, err := os.ReadFile(*keys)
	if err != nil {
		return err
	}
	lookup, err := seal.ParsePublic(b)
	if err != nil {
		return err
	}
	token := fs.Arg(0)
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
