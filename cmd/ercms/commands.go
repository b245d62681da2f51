package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
	"github.com/ercms/ercms/web"
)

// demoCases is how many cases the demo seeds.
const demoCases = 300

// demoPasswordFile keeps the generated demo password in the data directory
// (mode 0600), so that a restart prints the same one.
const demoPasswordFile = "demo-password.txt"

func demoCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var password string
	c, _, err := parse("demo", args, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&password, "demo-password", "", "password of every demo account (default: generated once and kept in the data directory)")
	})
	if err != nil {
		return usageError(err)
	}
	if c.SecondFactor == "" {
		c.SecondFactor = "off" // the demo's accounts sign in with the password alone; its sign-in page says so
	}
	country, ok := demo.Countries[c.Country]
	if !ok {
		return exitError{code: exitUsage, msg: fmt.Sprintf("--country %s: the demo exists for %s", c.Country, strings.Join(demo.CountryCodes(), ", "))}
	}
	log := newLogger(c, stderr)
	db, err := open(ctx, c, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if password == "" {
		if password, err = demoPassword(c.DataDir); err != nil {
			return err
		}
	} else if err := sqldb.PasswordProblem(password); err != nil {
		return exitError{code: exitUsage, msg: "--demo-password: " + fieldText(err, "password")}
	}
	fmt.Fprintln(stdout, "seeding the demonstration data (only the first time)…")
	actors, err := demo.SeedPeople(ctx, db, country(), func(string) string { return password })
	if err != nil {
		return err
	}
	n, err := demo.SeedCases(ctx, db, actors, demoCases, 1)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(stdout, "seeded %d cases\n", n)
	}
	return serve(ctx, c, db, log, stdout, func(url string) {
		fmt.Fprintf(stdout, "\nSign in at %s with any of these accounts, password %q:\n", url, password)
		for _, acc := range country().Accounts {
			fmt.Fprintf(stdout, "  %-27s %s\n", acc.Username, acc.Role)
		}
		fmt.Fprintf(stdout, "\nAPI: %s/api/v1 (OpenAPI document at %s/api/v1/openapi.json). Stop with Ctrl-C.\n", url, url)
	})
}

// fieldText renders in English the message of err on field, or err.
func fieldText(err error, field string) string {
	var e *ercms.Error
	if errors.As(err, &e) && e.Fields[field] != "" {
		return i18n.Default().Message(i18n.EN, e.Fields[field], e.FieldArgs[field])
	}
	return err.Error()
}

// demoPassword returns the demo password kept in dir, creating it once.
func demoPassword(dir string) (string, error) {
	path := filepath.Join(dir, demoPasswordFile)
	if b, err := os.ReadFile(path); err == nil {
		if p := strings.TrimSpace(string(b)); p != "" {
			return p, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	p := sqldb.RandomPassword()
	if err := os.WriteFile(path, []byte(p+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("keep the demo password: %w", err)
	}
	return p, nil
}

func userCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const help = "usage: ercms user create --username U --name N --org ORG --role R [--password P]\n       ercms user disable --username U\n       ercms user reset-password --username U [--password P]\n       ercms user reset-factor --username U\n\n" +
		"An account created here is active at once, whatever its role: the command line bootstraps the first\n" +
		"accounts (at least two administrators, and the first supervisors of each authority). An account\n" +
		"an administrator creates with a role that reads case data, or with the administrator role, signs\n" +
		"in only once a second person confirms it: a supervisor of its organisation (central or requesting\n" +
		"authority), else another administrator.\n\n" +
		"Without --password, create and reset-password print a one-time setup code (valid 24 hours, once)\n" +
		"instead: give it to the user by phone or in person, and the user chooses their own password with\n" +
		"it at /account/setup. --password is for the operator's own bootstrap accounts on the server console.\n\n" +
		"reset-factor removes the second factors of a user who lost them (phone and recovery codes): the\n" +
		"user sets one up again at the next sign-in."
	if len(args) == 0 {
		return exitError{code: exitUsage, msg: help}
	}
	sub := args[0]
	var username, name, org, role, password string
	c, _, err := parse("user "+sub, args[1:], getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "the account's username")
		if sub == "create" {
			fs.StringVar(&name, "name", "", "the person's name")
			fs.StringVar(&org, "org", "", "organisation id or exact name")
			fs.StringVar(&role, "role", "", "role: "+roleNames())
		}
		if sub == "create" || sub == "reset-password" {
			fs.StringVar(&password, "password", "", "password (default: none; a one-time setup code is printed for the user to choose one)")
		}
	})
	if err != nil {
		return usageError(err)
	}
	if username == "" {
		return exitError{code: exitUsage, msg: "--username is required\n" + help}
	}
	db, err := open(ctx, c, newLogger(c, stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	sys := ercms.SystemActor()
	sys.Username = "command-line"
	var code *sqldb.SetupCode
	switch sub {
	case "create":
		orgID, err := findOrg(ctx, db, org)
		if err != nil {
			return err
		}
		var u *ercms.User
		u, code, err = db.CreateUserWithSetupCode(ctx, sys, sqldb.NewUser{Username: username, DisplayName: name, OrgID: orgID, Role: ercms.Role(role), Password: password})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s (%s), active at once\n", u.Username, u.Role)
	case "disable":
		u, err := db.UserByUsername(ctx, username)
		if err != nil {
			return err
		}
		if err := db.SetUserDisabled(ctx, sys, u.ID, true); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "disabled %s; their sessions are revoked\n", username)
		return nil
	case "reset-password":
		u, err := db.UserByUsername(ctx, username)
		if err != nil {
			return err
		}
		if password == "" {
			if code, err = db.IssueSetupCode(ctx, sys, u.ID); err != nil {
				return err
			}
		} else if err := db.SetPassword(ctx, sys, u.ID, password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "reset the password of %s; their sessions are revoked\n", username)
	case "reset-factor":
		u, err := db.UserByUsername(ctx, username)
		if err != nil {
			return err
		}
		if err := db.ResetSecondFactor(ctx, sys, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed the second factors of %s; their sessions are revoked, and they set up a new one at the next sign-in\n", username)
		return nil
	default:
		return exitError{code: exitUsage, msg: fmt.Sprintf("unknown user command %q\n%s", sub, help)}
	}
	if code != nil {
		fmt.Fprintf(stdout, "setup code: %s (once, until %s): give it to the user by phone or in person; they choose their password with it at /account/setup\n",
			code.Code, code.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return nil
}

func roleNames() string {
	out := make([]string, len(ercms.Roles))
	for i, r := range ercms.Roles {
		out[i] = string(r)
	}
	return strings.Join(out, ", ")
}

// findOrg resolves an organisation by id or exact name.
func findOrg(ctx context.Context, db *sqldb.DB, ref string) (string, error) {
	orgs, err := db.Organisations(ctx)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(orgs, func(o ercms.Organisation) bool { return o.ID == ref || o.Name == ref })
	if i < 0 {
		return "", &ercms.Error{Code: ercms.EInvalid, Message: "No such organisation.", Fields: map[string]string{"org": "Give an organisation id or its exact name."}}
	}
	return orgs[i].ID, nil
}

func auditCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return exitError{code: exitUsage, msg: "usage: ercms audit verify [--data DIR] [--database-url URL]"}
	}
	c, _, err := parse("audit verify", args[1:], getenv, nil)
	if err != nil {
		return usageError(err)
	}
	db, err := open(ctx, c, newLogger(c, stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	// Link events still waiting for the sequencer, so that they are checked too.
	if _, err := db.SequenceAudit(ctx); err != nil {
		return err
	}
	r, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if !r.OK() {
		fmt.Fprintf(stdout, "BROKEN at event %d (id %s): %s\nchecked %d events before it\n", r.BrokenAt, r.BrokenID, r.Problem, r.Checked)
		return exitError{code: exitBroken}
	}
	fmt.Fprintf(stdout, "OK: %d events, head %s\n", r.Checked, r.Head)
	return nil
}

func deadlineCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var rule, from, profile, state string
	c, _, err := parse("deadline", args, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&rule, "rule", "", "rule of the profile: reply, reply_accelerated, travel_document, interview, transfer_window, transit_reply, …")
		fs.StringVar(&from, "from", "", "date of the event, YYYY-MM-DD")
		fs.StringVar(&profile, "profile", "", "agreement profile (default: the deployment's)")
		fs.StringVar(&state, "state", "", "member state, ISO 3166-1 alpha-2 (default: the profile's first)")
	})
	if err != nil {
		return usageError(err)
	}
	db, err := open(ctx, c, newLogger(c, stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	calc, err := web.Calculate(db, rule, from, profile, state)
	if err != nil {
		return err
	}
	due := "beyond the holiday data (not guessed)"
	if calc.DueOn != nil {
		due = *calc.DueOn
	}
	fmt.Fprintln(stdout, due)
	fmt.Fprintf(stdout, "basis: %s\n", calc.Basis)
	kind := "binding deadline"
	if !calc.Binding {
		kind = "target time (not binding)"
	}
	fmt.Fprintf(stdout, "profile: %s, member state %s; %s\nsource: %s\n", calc.Profile, calc.State, kind, calc.Source)
	if calc.Provisional {
		fmt.Fprintln(stdout, "provisional: the count crosses a holiday not yet confirmed for the year")
	}
	return nil
}
