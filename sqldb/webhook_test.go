package sqldb_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/outbound"
	"github.com/ercms/ercms/sqldb"
)

// webhookNames is the DNS of TestWebhookAddressesRefused: names are never
// looked up or connected to.
var webhookNames = map[string]string{
	"bpol.example.de":     "93.184.215.14",
	"intranet.example.de": "10.1.2.3",
	"meta.example.de":     "169.254.169.254",
	"ec2.example.de":      "fd00:ec2::254",
	"self.example.de":     "::ffff:127.0.0.1",
	"gov.example.az":      "10.20.30.40",
}

func lookupWebhookName(_ context.Context, host string) ([]netip.Addr, error) {
	a, ok := webhookNames[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	return []netip.Addr{netip.MustParseAddr(a)}, nil
}

// urlMessage returns the message key of the field url of a refusal.
func urlMessage(t *testing.T, err error) string {
	t.Helper()
	var e *ercms.Error
	if !errors.As(err, &e) || e.Code != ercms.EInvalid {
		t.Fatalf("got %v, want EInvalid on url", err)
	}
	return e.Fields["url"]
}

func TestWebhookAddressesRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		deSup := act["de.supervisor"]
		db.WebhookPolicy = &outbound.Policy{LookupIP: lookupWebhookName}
		for _, bad := range []string{"http://bpol.example.de/ercms", "https://user:pw@bpol.example.de/"} {
			if got := urlMessage(t, firstErr(db.CreateWebhook(ctx, deSup, bad))); got != "field.webhook.url.invalid" {
				t.Errorf("%s: %s", bad, got)
			}
		}
		for _, bad := range []string{
			"https://127.0.0.1:8443/", "https://[::1]/", "https://localhost/", "https://10.0.0.1/", "https://192.168.1.10/",
			"https://169.254.169.254/latest/meta-data/", "https://[::ffff:127.0.0.1]/", "https://2130706433/", "https://0x7f.1/",
			"https://intranet.example.de/", "https://meta.example.de/", "https://ec2.example.de/", "https://self.example.de/",
			"https://gov.example.az/ercms", "https://nowhere.example.de/",
		} {
			if got := urlMessage(t, firstErr(db.CreateWebhook(ctx, deSup, bad))); got != "field.webhook.url.not_public" {
				t.Errorf("%s: %s", bad, got)
			}
		}
		if hooks, err := db.Webhooks(ctx, deSup); err != nil || len(hooks) != 0 {
			t.Fatalf("refused addresses were stored: %+v %v", hooks, err)
		}

		// The administrator allows the government network of the member state.
		db.WebhookPolicy.Allow = []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16")}
		if _, err := db.CreateWebhook(ctx, deSup, "https://gov.example.az/ercms"); err != nil {
			t.Errorf("an allowed network refused: %v", err)
		}
		if _, err := db.CreateWebhook(ctx, deSup, "https://intranet.example.de/"); err == nil {
			t.Error("a private address outside the allowed network admitted")
		}
		if _, err := db.CreateWebhook(ctx, deSup, "https://bpol.example.de/ercms"); err != nil {
			t.Errorf("a public address refused: %v", err)
		}
		if hooks, _ := db.Webhooks(ctx, deSup); len(hooks) != 2 {
			t.Errorf("%d subscriptions, want 2", len(hooks))
		}
	})
}

func firstErr[T any](_ T, err error) error { return err }
