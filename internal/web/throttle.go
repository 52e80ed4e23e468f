package web

import (
	"sync"
	"time"
)

// Failed logins are throttled per account and per address: after
// maxFailures attempts that did not succeed within the window, further
// attempts on that key are refused until the oldest leaves the window.
// An attempt is counted when it starts, under the lock, so parallel
// guesses cannot slip past the check; a successful one is taken back.
// Counts live in memory (a restart clears them) and are swept so the map
// cannot grow without bound.
const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
	maxKeys       = 100_000
)

type throttle struct {
	mu    sync.Mutex
	now   func() time.Time
	fail  map[string][]time.Time
	calls int
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, fail: map[string][]time.Time{}}
}

// recent drops failures older than the window and returns the rest.
func (t *throttle) recent(key string) []time.Time {
	cutoff := t.now().Add(-failureWindow)
	fs := t.fail[key]
	i := 0
	for i < len(fs) && fs[i].Before(cutoff) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(t.fail, key)
	} else {
		t.fail[key] = fs
	}
	return fs
}

func (t *throttle) sweep() {
	for k := range t.fail {
		t.recent(k)
	}
}

// begin counts an attempt on every key, unless one of them is blocked, in
// which case nothing is counted and the wait is returned.
func (t *throttle) begin(keys ...string) (ok bool, wait time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.calls++; t.calls%1000 == 0 || len(t.fail) > maxKeys {
		t.sweep()
	}
	for _, k := range keys {
		if fs := t.recent(k); len(fs) >= maxFailures {
			return false, fs[0].Add(failureWindow).Sub(t.now())
		}
	}
	if len(t.fail) > maxKeys {
		// Under a flood of distinct keys, refuse rather than grow.
		return false, time.Minute
	}
	now := t.now()
	for _, k := range keys {
		t.fail[k] = append(t.fail[k], now)
	}
	return true, 0
}

// succeeded clears the account's count and takes back this attempt from
// the others (an address keeps its other failures).
func (t *throttle) succeeded(account string, others ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fail, account)
	for _, k := range others {
		if fs := t.fail[k]; len(fs) > 0 {
			t.fail[k] = fs[:len(fs)-1]
		}
	}
}
