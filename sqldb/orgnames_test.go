package sqldb_test

import (
	"slices"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// An organisation's names per language are stored and read back (in the
// list, and with the actor of each of its users); one written as before the
// names per language, with its name only, is named by it in every language.
func TestOrganisationNamesPerLanguage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		admin := seed(t, db)["admin"]
		names := i18n.Texts{
			i18n.AZ: "Naxçıvan Muxtar Respublikasının Miqrasiya İdarəsi",
			i18n.FR: "Service des migrations de la République autonome du Nakhitchevan",
			i18n.RU: "  Миграционное управление Нахчыванской Автономной Республики  ",
		}
		o := ercms.Organisation{Kind: ercms.OrgAgency, State: "AZ", AgencyType: "police", Names: names}
		if err := db.CreateOrganisation(ctx, admin, &o); err != nil {
			t.Fatal(err)
		}
		// No English name: the name of record is the first given, in the order of the languages.
		if o.Name != names[i18n.AZ] {
			t.Errorf("name of record %q, want the Azerbaijani one", o.Name)
		}
		got := findOrg(t, db, o.ID)
		for _, l := range []i18n.Lang{i18n.AZ, i18n.FR, i18n.RU} {
			if want := names.In(l); got.NameIn(l) != want || got.Names[l] != want {
				t.Errorf("read back in %s: %q (names %v), want %q", l, got.NameIn(l), got.Names, want)
			}
		}
		if got.Names.Has(i18n.EN) || got.NameIn(i18n.EN) != o.Name {
			t.Errorf("in English (not given): %q, names %v; want the name of record", got.NameIn(i18n.EN), got.Names)
		}

		u, err := db.CreateUser(ctx, admin, sqldb.NewUser{Username: "nax.police", DisplayName: "Elnur Abbasov", OrgID: o.ID,
			Role: ercms.RoleAgencyOfficer, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ConfirmGrant(ctx, secondAdmin(t, db, admin.Org), u.ID); err != nil {
			t.Fatal(err)
		}
		a, err := db.ActorByUsername(ctx, "nax.police")
		if err != nil || a.Org.NameIn(i18n.FR) != names[i18n.FR] {
			t.Fatalf("the user's organisation in French: %q (%v)", a.Org.NameIn(i18n.FR), err)
		}

		// A row as written before the names per language.
		if _, err := db.SQL().ExecContext(ctx, `INSERT INTO organisations (id, kind, name, state, created_at) VALUES ($1, $2, $3, $4, $5)`,
			"old-org", ercms.OrgAgency, "Old Registry", "AZ", clock.Now().UTC().Format("2006-01-02T15:04:05.000000Z")); err != nil {
			t.Fatal(err)
		}
		old := findOrg(t, db, "old-org")
		for _, l := range i18n.Languages {
			if old.NameIn(l) != "Old Registry" {
				t.Errorf("old organisation in %s: %q", l, old.NameIn(l))
			}
		}

		// A language the interface does not have is refused, and so is no name at all.
		bad := ercms.Organisation{Kind: ercms.OrgAgency, State: "AZ", Names: i18n.Texts{"de": "Meldebehörde", i18n.EN: "Registry office"}}
		wantFields(t, db.CreateOrganisation(ctx, admin, &bad), "names")
		empty := ercms.Organisation{Kind: ercms.OrgAgency, State: "AZ", Names: i18n.Texts{i18n.EN: "  "}}
		wantFields(t, db.CreateOrganisation(ctx, admin, &empty), "name")
	})
}

// findOrg returns the organisation id of the store's list.
func findOrg(t *testing.T, db *sqldb.DB, id string) ercms.Organisation {
	t.Helper()
	orgs, err := db.Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(orgs, func(o ercms.Organisation) bool { return o.ID == id })
	if i < 0 {
		t.Fatalf("organisation %s not listed", id)
	}
	return orgs[i]
}
