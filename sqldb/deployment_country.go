package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ercms/ercms"
)

// CountryMismatchError is returned by Open when the database serves another
// requested state than Options.Country: one deployment serves one requested
// state, and its cases, organisations and calendars are that state's.
type CountryMismatchError struct {
	Database  string // the database, its URL's password hidden
	Stored    string // the requested state the database serves
	Requested string // the requested state asked for (Options.Country)
}

func (e *CountryMismatchError) Error() string {
	return fmt.Sprintf("sqldb: the database %s serves %s, not %s: a deployment serves one requested state; use another database for %s",
		e.Database, e.Stored, e.Requested, e.Requested)
}

// checkDeploymentCountry compares the requested state the database serves
// with the one it is opened for. The state is recorded once the database
// holds the requested side's central authority (its state is the
// deployment's: this also dates databases set up before the record); a
// database without one yet may be set up for any country.
func (s *DB) checkDeploymentCountry(ctx context.Context) error {
	stored, err := s.deploymentCountry(ctx)
	if err != nil {
		return err
	}
	if stored == "" {
		var state string
		err := s.db.QueryRowContext(ctx, `SELECT state FROM organisations WHERE kind = $1 ORDER BY created_at, id LIMIT 1`,
			string(ercms.OrgCentralAuthority)).Scan(&state)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil // nothing set up yet
		case err != nil:
			return fmt.Errorf("sqldb: the deployment's country: %w", err)
		}
		if _, err := s.db.ExecContext(ctx, `INSERT INTO deployment (id, country, recorded_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`,
			state, formatTime(s.Now())); err != nil {
			return fmt.Errorf("sqldb: record the deployment's country: %w", err)
		}
		if stored, err = s.deploymentCountry(ctx); err != nil {
			return err
		}
		s.Log.Info("deployment country recorded", "country", stored)
	}
	if stored != s.country {
		return &CountryMismatchError{Database: redactURL(s.dsn), Stored: stored, Requested: s.country}
	}
	return nil
}

// deploymentCountry returns the recorded requested state, "" when none is.
func (s *DB) deploymentCountry(ctx context.Context) (string, error) {
	var country string
	err := s.db.QueryRowContext(ctx, `SELECT country FROM deployment WHERE id = 1`).Scan(&country)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sqldb: the deployment's country: %w", err)
	}
	return country, nil
}
