package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Statements returns how many SQL statements the store has sent to the
// database since it opened (queries, executions and transaction control).
// Tests use it to bound the queries of a page, whatever the number of cases.
func (s *DB) Statements() int64 { return s.statements.Load() }

// caseWrite matches a statement that writes one of the tables holding a
// case: only the door (door.go) writes them.
var caseWrite = regexp.MustCompile(`(?is)^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(cases|case_tasks|case_deadlines|case_events|case_names|case_identifiers|attachments|case_messages)\b`)

// CaseWriters records the Go callers of the statements that write the case
// tables, while a test has switched it on (DB.caseWriters); in service it
// is off and costs one atomic load per statement.
type CaseWriters struct {
	mu     sync.Mutex
	chains map[string]int // "table: writer ← caller ← …" → statements
}

// note records the caller chain of a write to table.
func (w *CaseWriters) note(table string) {
	pcs := make([]uintptr, 48)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var chain []string
	for {
		f, more := frames.Next()
		if name, ok := strings.CutPrefix(f.Function, "github.com/ercms/ercms/sqldb."); ok && !strings.HasPrefix(name, "(*counting") {
			chain = append(chain, name)
		}
		if !more {
			break
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.chains == nil {
		w.chains = map[string]int{}
	}
	w.chains[strings.ToLower(table)+": "+strings.Join(chain, " ← ")]++
}

// Chains returns each caller chain seen with the number of its statements.
func (w *CaseWriters) Chains() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[string]int, len(w.chains))
	for k, v := range w.chains {
		out[k] = v
	}
	return out
}

// openCounted opens a database/sql pool whose connections count every
// statement in n and report the writers of the case tables to w when set.
func openCounted(driverName, dsn string, n *atomic.Int64, w *atomic.Pointer[CaseWriters]) (*sql.DB, error) {
	probe, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	d := probe.Driver()
	_ = probe.Close()
	return sql.OpenDB(&countingConnector{d: d, dsn: dsn, n: n, w: w}), nil
}

type countingConnector struct {
	d   driver.Driver
	dsn string
	n   *atomic.Int64
	w   *atomic.Pointer[CaseWriters]
}

// noteWrite reports q to the writer log when a test has switched it on.
func noteWrite(w *atomic.Pointer[CaseWriters], q string) {
	if w == nil {
		return
	}
	if log := w.Load(); log != nil {
		if m := caseWrite.FindStringSubmatch(q); m != nil {
			log.note(m[1])
		}
	}
}

func (c *countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	var conn driver.Conn
	var err error
	if dc, ok := c.d.(driver.DriverContext); ok {
		var cn driver.Connector
		if cn, err = dc.OpenConnector(c.dsn); err == nil {
			conn, err = cn.Connect(ctx)
		}
	} else {
		conn, err = c.d.Open(c.dsn)
	}
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: conn, n: c.n, w: c.w}, nil
}

func (c *countingConnector) Driver() driver.Driver { return c.d }

// countingConn passes everything to the driver's connection and counts the statements.
type countingConn struct {
	driver.Conn
	n *atomic.Int64
	w *atomic.Pointer[CaseWriters]
}

var errSkip = driver.ErrSkip

func (c *countingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	qc, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, errSkip
	}
	c.n.Add(1)
	noteWrite(c.w, q)
	return qc.QueryContext(ctx, q, args)
}

func (c *countingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	ec, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, errSkip
	}
	c.n.Add(1)
	noteWrite(c.w, q)
	return ec.ExecContext(ctx, q, args)
}

func (c *countingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if pc, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = pc.PrepareContext(ctx, q)
	} else {
		st, err = c.Conn.Prepare(q)
	}
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, n: c.n, q: q, w: c.w}, nil
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.n.Add(1)
	if bc, ok := c.Conn.(driver.ConnBeginTx); ok {
		return bc.BeginTx(ctx, opts)
	}
	return c.Conn.Begin() //nolint:staticcheck // drivers without BeginTx
}

func (c *countingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *countingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.Conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// Raw returns the driver's own connection, for code that needs it (pgx's COPY).
func (c *countingConn) Raw() driver.Conn { return c.Conn }

type countingStmt struct {
	driver.Stmt
	n *atomic.Int64
	q string
	w *atomic.Pointer[CaseWriters]
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.n.Add(1)
	noteWrite(s.w, s.q)
	if ec, ok := s.Stmt.(driver.StmtExecContext); ok {
		return ec.ExecContext(ctx, args)
	}
	return nil, errors.New("sqldb: the driver's statement has no ExecContext")
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.n.Add(1)
	noteWrite(s.w, s.q)
	if qc, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return qc.QueryContext(ctx, args)
	}
	return nil, errors.New("sqldb: the driver's statement has no QueryContext")
}

func (s *countingStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
