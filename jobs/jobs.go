// Package jobs runs the background work of a node: the e-mail copies of
// notifications and the deliveries of webhooks. Jobs are rows of the store
// claimed with a lease (on PostgreSQL with FOR UPDATE SKIP LOCKED), so that
// with several nodes each job runs once; a node that dies mid-job leaves
// the job to be claimed again when its lease ends.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

// Mailer sends one plain-text e-mail.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Deliverer POSTs a signed webhook body; it returns the HTTP status.
type Deliverer interface {
	Deliver(ctx context.Context, url string, secret []byte, id, event string, body []byte) (int, error)
}

// Permanent marks an error that retrying will not cure (a 5xx SMTP reply,
// a 4xx HTTP answer other than 429): the job is given up at once.
type Permanent struct{ Err error }

// Error implements the error interface.
func (p Permanent) Error() string { return p.Err.Error() }

// Unwrap returns the wrapped error.
func (p Permanent) Unwrap() error { return p.Err }

// Runner claims and runs jobs.
type Runner struct {
	DB      *sqldb.DB
	Mail    Mailer    // nil: e-mail jobs wait until a mailer is configured
	Hooks   Deliverer // nil: webhook jobs wait
	BaseURL string    // the address of the web application, for links in e-mails
	Worker  string    // this node's name in the job leases
	Log     *slog.Logger
	// Backoff says how long to wait before attempt n+1 after n failures.
	Backoff func(n int) time.Duration
}

// DefaultBackoff doubles from 30 seconds up to 6 hours.
func DefaultBackoff(n int) time.Duration {
	d := 30 * time.Second << min(n, 10)
	return min(d, 6*time.Hour)
}

func (r *Runner) kinds() []string {
	var k []string
	if r.Mail != nil {
		k = append(k, sqldb.JobEmail)
	}
	if r.Hooks != nil {
		k = append(k, sqldb.JobWebhook)
	}
	return k
}

// RunOnce queues the webhook deliveries that are due, then claims and runs
// up to n jobs; it returns how many ran (successfully or not).
func (r *Runner) RunOnce(ctx context.Context, n int) (int, error) {
	kinds := r.kinds()
	if len(kinds) == 0 {
		return 0, nil
	}
	if r.Hooks != nil {
		if _, err := r.DB.QueueWebhooks(ctx); err != nil {
			return 0, err
		}
	}
	jobs, err := r.DB.ClaimJobs(ctx, r.Worker, kinds, n, 2*time.Minute)
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		runErr := r.run(ctx, j)
		var perm Permanent
		permanent := errors.As(runErr, &perm)
		backoff := r.Backoff
		if backoff == nil {
			backoff = DefaultBackoff
		}
		if runErr != nil && r.Log != nil {
			// The error names the job and the remote answer, never personal data.
			r.Log.Warn("job failed", "kind", j.Kind, "job", j.ID, "attempt", j.Attempts+1, "permanent", permanent, "err", runErr)
		}
		if err := r.DB.FinishJob(ctx, r.Worker, j.ID, runErr, permanent, backoff(j.Attempts)); err != nil {
			return 0, err
		}
		if runErr != nil && (permanent || j.Attempts+1 >= sqldb.MaxJobAttempts) && j.Kind == sqldb.JobWebhook {
			if err := r.disableHook(ctx, j, runErr); err != nil {
				return 0, err
			}
		}
	}
	return len(jobs), nil
}

// Run runs jobs every interval until ctx ends.
func (r *Runner) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := r.RunOnce(ctx, 20); err != nil && ctx.Err() == nil && r.Log != nil {
			r.Log.Error("jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *Runner) run(ctx context.Context, j sqldb.Job) error {
	switch j.Kind {
	case sqldb.JobEmail:
		return r.email(ctx, j)
	case sqldb.JobWebhook:
		return r.webhook(ctx, j)
	}
	return Permanent{fmt.Errorf("jobs: unknown kind %q", j.Kind)}
}

// email sends the e-mail copy of a notification: what happened and the
// case's reference, with a link; no personal data (DOMAIN.md §7).
func (r *Runner) email(ctx context.Context, j sqldb.Job) error {
	n, err := r.DB.EmailNoticeFor(ctx, j.Payload)
	if err != nil {
		return Permanent{err}
	}
	subject, body := EmailText(n, r.BaseURL)
	return r.Mail.Send(ctx, n.To, subject, body)
}

// EmailText words the e-mail of a notification in the user's language.
func EmailText(n sqldb.EmailNotice, baseURL string) (subject, body string) {
	lang, ok := i18n.Parse(n.Language)
	if !ok {
		lang = i18n.EN
	}
	cat := i18n.Default()
	what := cat.T(lang, "notify."+n.Kind)
	subject = "eRCMS: " + what
	if words := ercms.NoticeWords(cat, lang, ercms.Notification{Kind: n.Kind, Detail: n.Detail, DueOn: n.DueOn}); words != "" {
		what += "\n" + words
	}
	link := baseURL + "/notifications"
	if n.CaseID != "" {
		subject += " – " + n.Reference
		link = baseURL + "/cases/" + n.CaseID
	}
	body = cat.T(lang, "email.body", "what", what, "reference", n.Reference, "link", link)
	return subject, body
}

// webhookBody is what a subscriber receives: the events since its cursor.
type webhookBody struct {
	Events []sqldb.FeedEvent `json:"events"`
	Cursor int64             `json:"cursor"`
}

// webhook delivers one subscription's pending events in one signed POST
// and moves its cursor past them.
func (r *Runner) webhook(ctx context.Context, j sqldb.Job) error {
	b, err := r.DB.WebhookEvents(ctx, j.Payload, 100)
	if err != nil {
		return Permanent{err}
	}
	if len(b.Events) == 0 {
		return nil
	}
	last := b.Events[len(b.Events)-1].Cursor
	body, err := json.Marshal(webhookBody{Events: b.Events, Cursor: last})
	if err != nil {
		return Permanent{err}
	}
	status, err := r.Hooks.Deliver(ctx, b.Webhook.URL, []byte(b.Webhook.Secret), fmt.Sprintf("%s-%d", b.Webhook.ID, last), "case.changes", body)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		err := answerError{status}
		if status != 429 && status < 500 {
			return Permanent{err}
		}
		return err
	}
	return r.DB.AdvanceWebhook(ctx, b.Webhook.ID, last)
}

// answerError is the failure of a delivery the subscriber answered with
// another status than 2xx.
type answerError struct{ status int }

func (e answerError) Error() string { return fmt.Sprintf("jobs: webhook answered %d", e.status) }

// disableHook ends a subscription whose delivery failed for good. The
// reason recorded says the subscriber's answer when there was one, and
// otherwise the same words whatever the failure (a refused address, no
// connection, a TLS failure), so that the subscriptions a supervisor
// registers and sees disabled tell nothing of the networks behind them;
// the detail is in the job's log.
func (r *Runner) disableHook(ctx context.Context, j sqldb.Job, cause error) error {
	var p struct {
		WebhookID string `json:"webhook_id"`
	}
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.WebhookID == "" {
		return nil
	}
	reason := "jobs: webhook not delivered"
	var answer answerError
	if errors.As(cause, &answer) {
		reason = answer.Error()
	}
	return r.DB.DisableWebhook(ctx, p.WebhookID, reason)
}
