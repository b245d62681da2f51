// Command ercms runs the electronic Readmission Case Management System.
//
//	ercms serve                      serve the web application and the API
//	ercms demo [--demo-password P]   migrate, seed a demonstration deployment once, and serve
//	ercms migrate                    apply the database migrations
//	ercms user create|disable|reset-password …   (accounts created here are active at once: the first accounts)
//	ercms audit verify               recompute the audit hash chain; non-zero exit when broken
//	ercms deadline --rule R --from YYYY-MM-DD [--profile P] [--state XX]
//
// Every subcommand takes --addr, --data, --database-url and --country, or
// the ERCMS_* environment variables of the same names. The demo exists for
// each country of demo.Countries (ercms demo --country ci). A database
// serves one country: once set up for one, it refuses to open for another,
// which needs a --data directory (or --database-url) of its own.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // time zones of the profiles on machines without tzdata

	"golang.org/x/time/rate"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/blob"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/jobs"
	"github.com/ercms/ercms/outbound"
	"github.com/ercms/ercms/secret"
	"github.com/ercms/ercms/sqldb"
	"github.com/ercms/ercms/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// exit codes.
const (
	exitOK     = 0
	exitFail   = 1
	exitUsage  = 2
	exitBroken = 3 // audit verify: the chain is broken
)

const usage = `usage: ercms <command> [flags]

commands:
  serve            serve the web application and the API
  demo             migrate, seed a demonstration deployment (once) and serve
  migrate          apply the database migrations
  user             create | disable | reset-password a user
  audit verify     recompute the audit hash chain (exit 3 when broken)
  deadline         compute a due date: --rule R --from YYYY-MM-DD [--profile P] [--state XX]
  keys             list | rotate | retire KID | export the travel-document signing keys | certificates (the seal's, PEM)
  verify-document  check a travel document offline: --certs certificates.pem SEAL (DataMatrix bytes, hex or base64) or --keys public-keys.json TOKEN

Run "ercms <command> -h" for the flags of a command.
`

// run is the whole program, callable from tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = serveCmd(ctx, rest, getenv, stdout, stderr)
	case "demo":
		err = demoCmd(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		err = migrateCmd(ctx, rest, getenv, stdout, stderr)
	case "user":
		err = userCmd(ctx, rest, getenv, stdout, stderr)
	case "audit":
		err = auditCmd(ctx, rest, getenv, stdout, stderr)
	case "deadline":
		err = deadlineCmd(ctx, rest, getenv, stdout, stderr)
	case "keys":
		err = keysCmd(ctx, rest, getenv, stdout, stderr)
	case "verify-document":
		err = verifyDocumentCmd(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "ercms: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
	var ex exitError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ex):
		if ex.msg != "" {
			fmt.Fprintln(stderr, "ercms:", ex.msg)
		}
		return ex.code
	default:
		fmt.Fprintln(stderr, "ercms "+cmd+":", describe(err))
		return exitFail
	}
}

// exitError ends the program with a given code.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// describe renders an error for the terminal, with per-field messages.
func describe(err error) string {
	var e *ercms.Error
	if errors.As(err, &e) {
		cat := i18n.Default()
		s := cat.Message(i18n.EN, e.Message, e.Args)
		for k, v := range e.Fields {
			s += "\n  " + k + ": " + cat.Message(i18n.EN, v, e.FieldArgs[k])
		}
		return s
	}
	return err.Error()
}

func newLogger(c Config, w io.Writer) *slog.Logger {
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// open opens (and migrates) the store of c. A database set up for another
// country than --country is refused: one deployment serves one requested
// state, so another country needs a data directory (or database) of its own.
func open(ctx context.Context, c Config, log *slog.Logger) (*sqldb.DB, error) {
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create the data directory: %w", err)
	}
	db, err := sqldb.Open(ctx, sqldb.Options{URL: c.DatabaseURL, Country: c.Country, Log: log})
	var mismatch *sqldb.CountryMismatchError
	if errors.As(err, &mismatch) {
		where, other := fmt.Sprintf("the data directory %s", c.DataDir), fmt.Sprintf("another --data directory (e.g. --data %s-%s)",
			strings.TrimRight(c.DataDir, `/\`), strings.ToLower(c.Country))
		if c.DatabaseURL != filepath.Join(c.DataDir, "ercms.db") {
			where, other = "the database "+mismatch.Database, "another --database-url"
		}
		return nil, exitError{code: exitUsage, msg: fmt.Sprintf("%s holds the deployment for %s, not for %s (--country/ERCMS_COUNTRY).\n"+
			"One database serves one country: use %s for %s, or --country %s to open this one.",
			where, mismatch.Stored, mismatch.Requested, other, mismatch.Requested, strings.ToLower(mismatch.Stored))}
	}
	if err != nil {
		return nil, err
	}
	db.SessionIdle = c.SessionIdle
	// Attachments and signing keys live under the data directory, outside the database.
	if db.Blobs, err = blob.NewDir(filepath.Join(c.DataDir, "blobs")); err != nil {
		db.Close()
		return nil, err
	}
	keys, err := keyring(c)
	if err != nil {
		db.Close()
		return nil, err
	}
	db.Signer = keys
	if db.Secrets, err = secret.OpenKeyFile(filepath.Join(c.DataDir, "keys", "secrets.key")); err != nil {
		db.Close()
		return nil, fmt.Errorf("the key of the sealed secrets: %w", err)
	}
	db.RequireSecondFactor = c.SecondFactor != "off"
	db.RememberDevice = c.RememberDevice
	db.WebhookPolicy = &outbound.Policy{Allow: c.WebhookAllow}
	return db, nil
}

func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parse("migrate", args, getenv, nil)
	if err != nil {
		return usageError(err)
	}
	db, err := open(ctx, c, newLogger(c, stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "migrated the %s database\n", db.Engine())
	return nil
}

func usageError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return exitError{code: exitUsage, msg: err.Error()}
}

func serveCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parse("serve", args, getenv, nil)
	if err != nil {
		return usageError(err)
	}
	log := newLogger(c, stderr)
	db, err := open(ctx, c, log)
	if err != nil {
		return err
	}
	defer db.Close()
	return serve(ctx, c, db, log, stdout, nil)
}

// serve runs the HTTP server, the scheduler, the recomputation of
// deadlines after calendar edits and the audit sequencer until
// ctx ends. It prints the URL once it listens; banner, when set, prints more.
func serve(ctx context.Context, c Config, db *sqldb.DB, log *slog.Logger, stdout io.Writer, banner func(url string)) error {
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	base := publicURL(c.BaseURL, ln.Addr())
	h := web.New(db, log)
	h.SetSignInRate(web.SignInRate{All: rate.Limit(c.SignInRate), BurstAll: max(1, int(2*c.SignInRate)),
		PerAddress: rate.Limit(c.SignInRateAddress), BurstAddr: max(1, int(4*c.SignInRateAddress))})
	db.Throttle.Address.Free, db.Throttle.Address.Max = c.AddressSlowAfter, c.AddressRefuseAfter
	if c.Language != "" {
		h.SetLanguage(i18n.Lang(c.Language))
	}
	if err := h.SetBaseURL(base); err != nil {
		ln.Close()
		return fmt.Errorf("--base-url %s: %w", base, err)
	}
	h.SetTrustedProxies(c.Proxies)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute,
		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go db.RunScheduler(ctx, time.Minute)
	go db.RunRecomputations(ctx, 5*time.Second)
	go db.RunAuditSequencer(ctx, 2*time.Second)
	errc := make(chan error, 1)
	scheme := "http"
	if c.TLSCert != "" {
		scheme = "https"
		go func() { errc <- srv.ServeTLS(ln, c.TLSCert, c.TLSKey) }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	runner := &jobs.Runner{DB: db, Hooks: &jobs.HTTPDeliverer{Policy: db.WebhookPolicy}, BaseURL: base, Worker: workerName(), Log: log}
	if c.SMTPURL != "" {
		m, err := jobs.ParseSMTPURL(c.SMTPURL)
		if err != nil {
			return err
		}
		runner.Mail = m
	}
	go runner.Run(ctx, 15*time.Second)
	fmt.Fprintf(stdout, "eRCMS is running at %s (%s on %s, database: %s)\n", base, scheme, ln.Addr(), db.Engine())
	if banner != nil {
		banner(base)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, done := context.WithTimeout(context.Background(), 10*time.Second)
	defer done()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	// Link the last events into the chain before the process ends.
	if _, err := db.SequenceAudit(shutdown); err != nil {
		log.Error("audit sequencer at shutdown", "err", err)
	}
	return nil
}

// publicURL is the configured public address, whose port 0 (the default
// address of --addr 127.0.0.1:0) becomes the port the listener chose.
func publicURL(base string, ln net.Addr) string {
	u, err := url.Parse(base)
	if err != nil || u.Port() != "0" {
		return base
	}
	if a, ok := ln.(*net.TCPAddr); ok {
		u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(a.Port))
	}
	return u.String()
}

// workerName names this node in job leases: host and process.
func workerName() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s/%d", h, os.Getpid())
}
