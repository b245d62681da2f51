package web

import (
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/sqldb"
)

// SignInRate is how many password checks (sign-ins, and the current
// password of a password change) one node takes on before it sheds the
// rest with 429: in all, and from one address. The store's throttle
// counts failures across nodes; this bounds the work a flood makes one
// node do before the database is asked at all.
type SignInRate struct {
	All, PerAddress     rate.Limit
	BurstAll, BurstAddr int
}

// DefaultSignInRate lets a node check 20 passwords a second (40 at once),
// and one address 5 a second (20 at once): far above what an office
// behind one address types.
var DefaultSignInRate = SignInRate{All: 20, BurstAll: 40, PerAddress: 5, BurstAddr: 20}

// shedder sheds password checks beyond a SignInRate.
type shedder struct {
	rate SignInRate
	all  *rate.Limiter
	mu   sync.Mutex
	per  map[netip.Addr]*addressLimit
}

type addressLimit struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxTrackedAddresses bounds the memory of the per-address limiters: when
// more are tracked, those idle for a minute are dropped.
const maxTrackedAddresses = 10000

func newShedder(r SignInRate) *shedder {
	return &shedder{rate: r, all: rate.NewLimiter(r.All, r.BurstAll), per: map[netip.Addr]*addressLimit{}}
}

// allow reports whether a password check from addr may go on now; when
// not, it returns the error to answer with (EThrottled, with a wait).
func (s *shedder) allow(addr netip.Addr) error {
	now := time.Now()
	if addr.IsValid() {
		s.mu.Lock()
		if len(s.per) >= maxTrackedAddresses {
			for a, l := range s.per {
				if now.Sub(l.seen) > time.Minute {
					delete(s.per, a)
				}
			}
		}
		l, ok := s.per[addr]
		if !ok {
			l = &addressLimit{lim: rate.NewLimiter(s.rate.PerAddress, s.rate.BurstAddr)}
			if len(s.per) < 2*maxTrackedAddresses {
				s.per[addr] = l
			}
		}
		l.seen = now
		allowed := l.lim.AllowN(now, 1)
		s.mu.Unlock()
		if !allowed {
			return shed()
		}
	}
	if !s.all.AllowN(now, 1) {
		return shed()
	}
	return nil
}

// shed is the answer to a password check a node has no room for now.
func shed() error {
	return &sqldb.Throttled{Err: ercms.Fail(ercms.EThrottled, "err.signin.busy"), Wait: time.Second}
}

// SetSignInRate sets how many password checks the node takes on before it
// sheds the rest (DefaultSignInRate).
func (s *Server) SetSignInRate(r SignInRate) { s.shed = newShedder(r) }
