package web

import (
	"context"
	"sync"
	"time"
)

// Password guesses are throttled per account and per address: after
// maxFailures completed failures within the window, further attempts on
// that key are refused until the oldest leaves the window. Logins and
// password changes share the budget (a password change checks the current
// password).
//
// Only completed failures count, so colleagues logging in at once from one
// office address are never told to wait for each other's correct
// passwords. Parallel guesses still cannot exceed the budget: while a
// key's failures plus its attempts in progress reach maxFailures, a new
// attempt waits (up to maxQueueWait) for one of them to finish instead of
// starting. Counts live in memory (a restart clears them) and are swept
// so the map cannot grow without bound.
const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
	maxKeys       = 100_000
	maxQueueWait  = 10 * time.Second
)

type throttle struct {
	mu       sync.Mutex
	now      func() time.Time
	fail     map[string][]time.Time
	inFlight map[string]int
	// ended is closed, and replaced, whenever an attempt ends.
	ended chan struct{}
	calls int
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, fail: map[string][]time.Time{}, inFlight: map[string]int{}, ended: make(chan struct{})}
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

// begin admits an attempt on every key. It refuses, with the wait, when a
// key has used its failures (or under a flood of distinct keys); it waits
// while the attempts in progress could use up what is left. An admitted
// attempt must be ended with end or succeeded.
func (t *throttle) begin(ctx context.Context, keys ...string) (ok bool, wait time.Duration) {
	deadline := time.NewTimer(maxQueueWait)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		if t.calls++; t.calls%1000 == 0 || len(t.fail) > maxKeys {
			t.sweep()
		}
		busy := false
		for _, k := range keys {
			fs := t.recent(k)
			if len(fs) >= maxFailures {
				t.mu.Unlock()
				return false, fs[0].Add(failureWindow).Sub(t.now())
			}
			if len(fs)+t.inFlight[k] >= maxFailures {
				busy = true
			}
		}
		if len(t.fail)+len(t.inFlight) > maxKeys {
			t.mu.Unlock()
			return false, time.Minute
		}
		if !busy {
			for _, k := range keys {
				t.inFlight[k]++
			}
			t.mu.Unlock()
			return true, 0
		}
		ended := t.ended
		t.mu.Unlock()
		select {
		case <-ended:
		case <-ctx.Done():
			return false, time.Second
		case <-deadline.C:
			return false, time.Second
		}
	}
}

// end closes an admitted attempt; a failed one is counted on every key.
func (t *throttle) end(failed bool, keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, k := range keys {
		if t.inFlight[k]--; t.inFlight[k] <= 0 {
			delete(t.inFlight, k)
		}
		if failed {
			t.fail[k] = append(t.fail[k], now)
		}
	}
	close(t.ended)
	t.ended = make(chan struct{})
}

// succeeded closes an admitted attempt that succeeded and clears the
// account's failures (an address keeps its other failures).
func (t *throttle) succeeded(account string, others ...string) {
	t.end(false, append([]string{account}, others...)...)
	t.mu.Lock()
	delete(t.fail, account)
	t.mu.Unlock()
}
