package store

// SetAfterResolve makes f run between an activity's resolution, outside
// its transaction, and the transaction.
func SetAfterResolve(s *Store, f func()) { s.afterResolve = f }
