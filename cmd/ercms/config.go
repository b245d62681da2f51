package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/jobs"
	"github.com/ercms/ercms/outbound"
	"github.com/ercms/ercms/sqldb"
	"github.com/ercms/ercms/web"
)

// Config is the configuration of every subcommand, read from ERCMS_*
// environment variables and then from flags (flags win).
type Config struct {
	Addr        string // ERCMS_ADDR, --addr
	DataDir     string // ERCMS_DATA_DIR, --data
	DatabaseURL string // ERCMS_DATABASE_URL, --database-url; default: SQLite file in DataDir
	Country     string // ERCMS_COUNTRY, --country: the requested state the deployment serves
	LogFormat   string // ERCMS_LOG_FORMAT, --log-format: text or json
	// Language is the deployment's language (ERCMS_LANGUAGE, --language:
	// az, en, fr or ru): that of the pages for a reader who has chosen none
	// and whose browser asks for none of them; default: the language of
	// the country served (i18n.CountryLanguage), else English.
	Language string
	// SMTPURL is where notifications are e-mailed from (ERCMS_SMTP_URL,
	// smtp://user:password@host:587?from=ercms@example.org); empty: in-app
	// only. The server must offer STARTTLS, or nothing is sent; a local
	// relay spoken to in clear is named with &tls=none
	// (smtp://relay:25?from=ercms@example.org&tls=none).
	SMTPURL string
	// WebhookAllowNetworks lists the non-public networks that webhooks
	// may reach (ERCMS_WEBHOOK_ALLOW_NETWORKS, --webhook-allow-networks):
	// CIDR prefixes or addresses separated by commas, e.g. a member
	// state's system on a government network, 10.20.0.0/16. Default: none,
	// webhooks reach servers on the internet only, never loopback, private
	// or link-local addresses. Deliveries are https in every network; a
	// private certificate authority is trusted through SSL_CERT_FILE.
	WebhookAllowNetworks string
	// WebhookAllow is WebhookAllowNetworks parsed (by validate).
	WebhookAllow []netip.Prefix
	// SignInRate is how many password checks a second this node takes on
	// in all (ERCMS_SIGNIN_RATE, --signin-rate; default 20), and
	// SignInRateAddress from one address (ERCMS_SIGNIN_RATE_ADDRESS,
	// --signin-rate-address; default 5); the rest get 429 at once.
	SignInRate, SignInRateAddress float64
	// AddressSlowAfter is the number of failed sign-ins from one address
	// (within an hour) after which it is slowed (ERCMS_SIGNIN_ADDRESS_SLOW,
	// default 50), and AddressRefuseAfter the number after which it is
	// refused for 15 minutes (ERCMS_SIGNIN_ADDRESS_REFUSE, default 150).
	// Accounts that signed in from the address before are not held back.
	AddressSlowAfter, AddressRefuseAfter int
	// SessionIdle ends a sign-in session unused for this long
	// (ERCMS_SESSION_IDLE, --session-idle: a Go duration such as 30m or
	// 1h; default 30m, from 1m to the 12h a session lasts at most).
	SessionIdle time.Duration
	// sessionIdle is SessionIdle as written, parsed by validate.
	sessionIdle string
	// BaseURL is the web application's one public address (ERCMS_BASE_URL,
	// --base-url, e.g. https://ercms.example.org): the links of e-mails, the
	// QR codes of travel documents, the site whose browsers' forms are
	// accepted; https makes the cookies Secure and __Host-. Default: the
	// address served, http://ADDR (https:// with a certificate).
	BaseURL string
	// TrustedProxies are the reverse proxies (addresses and CIDR prefixes,
	// comma-separated: ERCMS_TRUSTED_PROXIES, --trusted-proxies) whose
	// X-Forwarded-For and X-Forwarded-Proto count; default: none.
	TrustedProxies string
	// Proxies is TrustedProxies parsed by validate.
	Proxies []netip.Prefix
	// TLSCert and TLSKey are the PEM files of the certificate (chain) and
	// its key (ERCMS_TLS_CERT, ERCMS_TLS_KEY, --tls-cert, --tls-key): set
	// both to serve https; default: plain http (behind a proxy, or the demo).
	TLSCert, TLSKey string
	// SecondFactor is the policy of second factors (ERCMS_SECOND_FACTOR,
	// --second-factor): "required" makes every user of a role that reads
	// personal data, and every administrator, set up an authenticator app
	// or a passkey at the first sign-in and give it at each sign-in; "off"
	// asks it only of users who set one up. Default: required; the demo's
	// default is off, and its sign-in page says so.
	SecondFactor string
	// RememberDevice is how long a device that passed the second factor is
	// remembered when its user asks (ERCMS_REMEMBER_DEVICE,
	// --remember-device: a duration up to 720h; 0 never; default 12h).
	RememberDevice time.Duration
	// rememberDevice is RememberDevice as written, parsed by validate.
	rememberDevice string
}

// defaults of the configuration.
const (
	defaultAddr    = "127.0.0.1:8080"
	defaultDataDir = "./ercms-data"
	defaultCountry = "AZ"
)

// configFromEnv returns the defaults overridden by the environment.
func configFromEnv(getenv func(string) string) Config {
	c := Config{Addr: defaultAddr, DataDir: defaultDataDir, Country: defaultCountry, LogFormat: "text", sessionIdle: sqldb.DefaultSessionIdle.String(), rememberDevice: shortDuration(sqldb.DefaultRememberDevice),
		SignInRate: float64(web.DefaultSignInRate.All), SignInRateAddress: float64(web.DefaultSignInRate.PerAddress),
		AddressSlowAfter: sqldb.DefaultThrottle.Address.Free, AddressRefuseAfter: sqldb.DefaultThrottle.Address.Max}
	for name, dst := range map[string]*float64{"ERCMS_SIGNIN_RATE": &c.SignInRate, "ERCMS_SIGNIN_RATE_ADDRESS": &c.SignInRateAddress} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				n = -1 // refused by validate
			}
			*dst = n
		}
	}
	for name, dst := range map[string]*int{"ERCMS_SIGNIN_ADDRESS_SLOW": &c.AddressSlowAfter, "ERCMS_SIGNIN_ADDRESS_REFUSE": &c.AddressRefuseAfter} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				n = -1 // refused by validate
			}
			*dst = n
		}
	}
	for name, dst := range map[string]*string{
		"ERCMS_ADDR": &c.Addr, "ERCMS_DATA_DIR": &c.DataDir, "ERCMS_DATABASE_URL": &c.DatabaseURL,
		"ERCMS_COUNTRY": &c.Country, "ERCMS_LOG_FORMAT": &c.LogFormat, "ERCMS_SMTP_URL": &c.SMTPURL, "ERCMS_BASE_URL": &c.BaseURL,
		"ERCMS_LANGUAGE": &c.Language, "ERCMS_WEBHOOK_ALLOW_NETWORKS": &c.WebhookAllowNetworks, "ERCMS_SESSION_IDLE": &c.sessionIdle, "ERCMS_TRUSTED_PROXIES": &c.TrustedProxies, "ERCMS_TLS_CERT": &c.TLSCert, "ERCMS_TLS_KEY": &c.TLSKey,
		"ERCMS_SECOND_FACTOR": &c.SecondFactor, "ERCMS_REMEMBER_DEVICE": &c.rememberDevice,
	} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	return c
}

// register adds the shared flags to fs, with the current values as defaults.
func (c *Config) register(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on (ERCMS_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory (ERCMS_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "postgres:// URL or SQLite file (ERCMS_DATABASE_URL); default: ercms.db in the data directory")
	fs.StringVar(&c.Country, "country", c.Country, "requested state the deployment serves, ISO 3166-1 alpha-2 (ERCMS_COUNTRY)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: text or json (ERCMS_LOG_FORMAT)")
	fs.Float64Var(&c.SignInRate, "signin-rate", c.SignInRate, "password checks a second this node takes on in all; more get 429 (ERCMS_SIGNIN_RATE)")
	fs.Float64Var(&c.SignInRateAddress, "signin-rate-address", c.SignInRateAddress, "password checks a second this node takes on from one address (ERCMS_SIGNIN_RATE_ADDRESS)")
	fs.IntVar(&c.AddressSlowAfter, "signin-address-slow", c.AddressSlowAfter, "failed sign-ins from one address within an hour after which it is slowed (ERCMS_SIGNIN_ADDRESS_SLOW)")
	fs.IntVar(&c.AddressRefuseAfter, "signin-address-refuse", c.AddressRefuseAfter, "failed sign-ins from one address after which it is refused for 15 minutes (ERCMS_SIGNIN_ADDRESS_REFUSE)")
	fs.StringVar(&c.sessionIdle, "session-idle", c.sessionIdle, "sign-in sessions unused for this long end, e.g. 30m or 1h (ERCMS_SESSION_IDLE)")
	fs.StringVar(&c.Language, "language", c.Language, "language of the pages for a reader who asks for none: az, en, fr or ru (ERCMS_LANGUAGE); default: that of --country")
	fs.StringVar(&c.WebhookAllowNetworks, "webhook-allow-networks", c.WebhookAllowNetworks, "non-public networks webhooks may reach, CIDR prefixes separated by commas, e.g. 10.20.0.0/16 (ERCMS_WEBHOOK_ALLOW_NETWORKS); default: none, the internet only")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public address of the web application, e.g. https://ercms.example.org (ERCMS_BASE_URL); default: http://ADDR")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", c.TrustedProxies, "reverse proxies whose X-Forwarded-For/-Proto count: addresses and CIDR prefixes, comma-separated (ERCMS_TRUSTED_PROXIES); default: none")
	fs.StringVar(&c.TLSCert, "tls-cert", c.TLSCert, "PEM certificate (chain) file: serve https (ERCMS_TLS_CERT; with --tls-key)")
	fs.StringVar(&c.TLSKey, "tls-key", c.TLSKey, "PEM private key file of --tls-cert (ERCMS_TLS_KEY)")
	fs.StringVar(&c.SecondFactor, "second-factor", c.SecondFactor, "required: users who read personal data and administrators sign in with an authenticator app or a passkey; off: only those who set one up (ERCMS_SECOND_FACTOR); default: required (the demo: off)")
	fs.StringVar(&c.rememberDevice, "remember-device", c.rememberDevice, "how long a device that passed the second factor is remembered when its user asks, up to 720h; 0: never (ERCMS_REMEMBER_DEVICE)")
}

// validate checks the configuration, fills the derived default of the
// database URL and reports every problem at once.
func (c *Config) validate() error {
	var errs []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		errs = append(errs, fmt.Errorf("--addr/ERCMS_ADDR %q: use host:port, e.g. 127.0.0.1:8080", c.Addr))
	}
	if strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, errors.New("--data/ERCMS_DATA_DIR: name a directory"))
	}
	c.Country = strings.ToUpper(c.Country)
	if len(c.Country) != 2 || strings.Trim(c.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		errs = append(errs, fmt.Errorf("--country/ERCMS_COUNTRY %q: use a two-letter ISO 3166-1 code, e.g. AZ", c.Country))
	}
	if c.Language == "" {
		c.Language = string(i18n.CountryLanguage(c.Country))
	} else if l, ok := i18n.Parse(c.Language); ok {
		c.Language = string(l)
	} else {
		errs = append(errs, fmt.Errorf("--language/ERCMS_LANGUAGE %q: use one of %s", c.Language, languageCodes()))
	}
	if c.SMTPURL != "" {
		if _, err := jobs.ParseSMTPURL(c.SMTPURL); err != nil {
			errs = append(errs, fmt.Errorf("ERCMS_SMTP_URL: %w", err))
		}
	}
	if c.SignInRate <= 0 || c.SignInRateAddress <= 0 {
		errs = append(errs, errors.New("--signin-rate, --signin-rate-address (ERCMS_SIGNIN_RATE, ERCMS_SIGNIN_RATE_ADDRESS): use a number of checks a second above 0, e.g. 20"))
	}
	if c.AddressSlowAfter < 1 || c.AddressRefuseAfter <= c.AddressSlowAfter {
		errs = append(errs, fmt.Errorf("--signin-address-slow %d, --signin-address-refuse %d: use a number of failures above 0, and a larger one to refuse", c.AddressSlowAfter, c.AddressRefuseAfter))
	}
	allow, err := outbound.ParsePrefixes(c.WebhookAllowNetworks)
	if err != nil {
		errs = append(errs, fmt.Errorf("--webhook-allow-networks/ERCMS_WEBHOOK_ALLOW_NETWORKS: %w", err))
	}
	c.WebhookAllow = allow
	if d, err := time.ParseDuration(c.sessionIdle); err != nil || d < time.Minute || d > sqldb.DefaultSessionTTL {
		errs = append(errs, fmt.Errorf("--session-idle/ERCMS_SESSION_IDLE %q: use a duration from 1m to %s, e.g. 30m", c.sessionIdle, shortDuration(sqldb.DefaultSessionTTL)))
	} else {
		c.SessionIdle = d
	}
	if c.SecondFactor != "" && c.SecondFactor != "required" && c.SecondFactor != "off" {
		errs = append(errs, fmt.Errorf("--second-factor/ERCMS_SECOND_FACTOR %q: use required or off", c.SecondFactor))
	}
	if d, err := time.ParseDuration(c.rememberDevice); err != nil || d < 0 || d > 720*time.Hour {
		errs = append(errs, fmt.Errorf("--remember-device/ERCMS_REMEMBER_DEVICE %q: use a duration up to 720h, e.g. 12h, or 0 to never remember a device", c.rememberDevice))
	} else {
		c.RememberDevice = d
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format/ERCMS_LOG_FORMAT %q: use text or json", c.LogFormat))
	}
	errs = append(errs, c.validateTrust()...)
	switch u := c.DatabaseURL; {
	case u == "":
		c.DatabaseURL = filepath.Join(c.DataDir, "ercms.db")
	case strings.Contains(u, "://") && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://"):
		errs = append(errs, errors.New("--database-url/ERCMS_DATABASE_URL: use a postgres:// URL or a SQLite file path"))
	}
	return errors.Join(errs...)
}

// shortDuration writes d without its zero parts: 12h, not 12h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
}

// validateTrust checks the public address, the proxies and the
// certificate pair, and derives the default public address from --addr.
func (c *Config) validateTrust() []error {
	var errs []error
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("--tls-cert/ERCMS_TLS_CERT and --tls-key/ERCMS_TLS_KEY: set both (the certificate and its key) or neither"))
	} else if c.TLSCert != "" {
		if _, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey); err != nil {
			errs = append(errs, fmt.Errorf("--tls-cert/--tls-key: %w", err))
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = defaultBaseURL(c.Addr, c.TLSCert != "")
	} else if u, err := web.ParseBaseURL(c.BaseURL); err != nil {
		errs = append(errs, fmt.Errorf("--base-url/ERCMS_BASE_URL %q: %w", c.BaseURL, err))
	} else if c.BaseURL = u.String(); c.TLSCert != "" && u.Scheme != "https" {
		errs = append(errs, fmt.Errorf("--base-url/ERCMS_BASE_URL %q: the server serves https (--tls-cert): use an https:// address", c.BaseURL))
	}
	var err error
	if c.Proxies, err = web.ParseTrustedProxies(c.TrustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("--trusted-proxies/ERCMS_TRUSTED_PROXIES %q: %w; use addresses or CIDR prefixes, comma-separated, e.g. 10.0.0.5,10.1.0.0/16", c.TrustedProxies, err))
	}
	return errs
}

// defaultBaseURL is the public address of a deployment that names none:
// the address served, http://ADDR or https://ADDR, with localhost for a
// host that listens on every interface. A port 0 is chosen when serving.
func defaultBaseURL(addr string, https bool) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if a, err := netip.ParseAddr(host); host == "" || (err == nil && a.IsUnspecified()) {
		host = "localhost"
	}
	scheme := "http"
	if https {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// languageCodes lists the codes --language takes: "az, en, fr or ru".
func languageCodes() string {
	codes := make([]string, len(i18n.Languages))
	for i, l := range i18n.Languages {
		codes[i] = string(l)
	}
	return strings.Join(codes[:len(codes)-1], ", ") + " or " + codes[len(codes)-1]
}

// parse reads the environment and the flags of one subcommand.
func parse(name string, args []string, getenv func(string) string, extra func(*flag.FlagSet)) (Config, *flag.FlagSet, error) {
	c := configFromEnv(getenv)
	fs := flag.NewFlagSet("ercms "+name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	c.register(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return c, fs, err
	}
	return c, fs, c.validate()
}
