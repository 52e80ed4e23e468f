package store

import "fmt"

// wrap prefixes a non-nil error with the name of the store function, in
// the style of pkgsite's derrors.Wrap, for logs; PublicMessage leaves the
// prefixes out for users.
func wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = &opError{op: fmt.Sprintf(format, args...), err: *errp}
	}
}

// opError is an error with the store operation it happened in.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string { return e.op + ": " + e.err.Error() }
func (e *opError) Unwrap() error { return e.err }

// PublicMessage is an error's message without the store's operation
// names, fit to show a user.
func PublicMessage(err error) string {
	for {
		oe, ok := err.(*opError)
		if !ok {
			return err.Error()
		}
		err = oe.err
	}
}
