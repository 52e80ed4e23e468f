package store

import "fmt"

// wrap prefixes a non-nil error with the name of the store function, in
// the style of pkgsite's derrors.Wrap.
func wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}
