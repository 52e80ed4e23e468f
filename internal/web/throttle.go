package web

import (
	"sync"
	"time"
)

// Failed logins are throttled per account and per address: after
// maxFailures failures within the window, further attempts on that key are
// refused until the window has passed since the first failure. The counts
// live in memory: a restart clears them, which an attacker cannot trigger.
const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
)

type throttle struct {
	mu   sync.Mutex
	now  func() time.Time
	fail map[string][]time.Time
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

// blocked reports whether any key is blocked, and for how long.
func (t *throttle) blocked(keys ...string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		if fs := t.recent(k); len(fs) >= maxFailures {
			return true, fs[0].Add(failureWindow).Sub(t.now())
		}
	}
	return false, 0
}

func (t *throttle) failed(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		t.fail[k] = append(t.recent(k), t.now())
	}
}

func (t *throttle) succeeded(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		delete(t.fail, k)
	}
}
