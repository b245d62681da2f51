package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/sqldb"
)

// SeedPeople creates the organisations and accounts of country c, each
// account with the password password(username) and the web application's
// language c.AccountLanguage. It is idempotent: when the first account
// exists already, nothing is created. It returns the actor of every account
// by username.
func SeedPeople(ctx context.Context, db *sqldb.DB, c Country, password func(username string) string) (map[string]ercms.Actor, error) {
	if _, err := db.ActorByUsername(ctx, c.Accounts[0].Username); err == nil {
		return Actors(ctx, db, c)
	} else if ercms.ErrorCode(err) != ercms.ENotFound {
		return nil, err
	}
	sys := ercms.SystemActor()
	ids := map[string]string{}
	for _, o := range c.Orgs {
		org := o.Organisation
		if org.ParentID != "" {
			org.ParentID = ids[org.ParentID]
		}
		if err := db.CreateOrganisation(ctx, sys, &org); err != nil {
			return nil, fmt.Errorf("demo: organisation %s: %w", o.Key, err)
		}
		ids[o.Key] = org.ID
	}
	for _, acc := range c.Accounts {
		orgID, ok := ids[acc.OrgKey]
		if !ok {
			return nil, fmt.Errorf("demo: account %s names an unknown organisation %s", acc.Username, acc.OrgKey)
		}
		if _, err := db.CreateUser(ctx, sys, sqldb.NewUser{Username: acc.Username, DisplayName: acc.DisplayName, OrgID: orgID,
			Role: acc.Role, Password: password(acc.Username)}); err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", acc.Username, err)
		}
		if c.AccountLanguage != "" {
			a, err := db.ActorByUsername(ctx, acc.Username)
			if err == nil {
				err = db.SetLanguage(ctx, a, c.AccountLanguage)
			}
			if err != nil {
				return nil, fmt.Errorf("demo: language of account %s: %w", acc.Username, err)
			}
		}
	}
	return Actors(ctx, db, c)
}

// Actors returns the actor of every account of c by username.
func Actors(ctx context.Context, db *sqldb.DB, c Country) (map[string]ercms.Actor, error) {
	out := map[string]ercms.Actor{}
	var errs []error
	for _, acc := range c.Accounts {
		a, err := db.ActorByUsername(ctx, acc.Username)
		if err != nil {
			errs = append(errs, fmt.Errorf("demo: account %s: %w", acc.Username, err))
			continue
		}
		out[acc.Username] = a
	}
	return out, errors.Join(errs...)
}
