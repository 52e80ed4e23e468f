package outreach

import (
	"errors"
	"fmt"
	"strings"
)

// Error kinds. Layers wrap them with context; the web and API map each kind
// to one HTTP status in a single table, and the CLI maps them to exit codes.
var (
	// ErrNotFound means the thing asked for does not exist (or is not visible).
	ErrNotFound = errors.New("not found")
	// ErrForbidden means the actor is known but may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthorized means no valid identity came with the request.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrConflict means the change clashes with existing data (a duplicate,
	// or a removal that records still refer to).
	ErrConflict = errors.New("conflict")
	// ErrInvalid means the input is wrong; a *ValidationError says how.
	ErrInvalid = errors.New("invalid input")
)

// Problem is one thing wrong with an input: which field and why. Position
// is filled in when the input came from a file ("plan.yaml:12:5").
type Problem struct {
	Field    string `json:"field"`
	Message  string `json:"message"`
	Position string `json:"position,omitempty"`
	// Code names the rule broken ("required", "unknown"…) so a user
	// interface can say it in its own language with Args; Message is the
	// English wording.
	Code string `json:"code,omitempty"`
	Args []any  `json:"-"`
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Position != "" {
		b.WriteString(p.Position)
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError lists every problem found in an input, so the user can fix
// them all in one go. It matches ErrInvalid with errors.Is.
type ValidationError struct {
	Problems []Problem
}

// Add records a problem.
func (v *ValidationError) Add(field, format string, args ...any) {
	v.Problems = append(v.Problems, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// AddCode records a problem with a rule code and its arguments; the
// English message is format with args.
func (v *ValidationError) AddCode(field, code, format string, args ...any) {
	v.Problems = append(v.Problems, Problem{Field: field, Code: code, Args: args, Message: fmt.Sprintf(format, args...)})
}

// Err returns v when it holds problems, nil otherwise.
func (v *ValidationError) Err() error {
	if v == nil || len(v.Problems) == 0 {
		return nil
	}
	return v
}

func (v *ValidationError) Error() string {
	if len(v.Problems) == 1 {
		return v.Problems[0].String()
	}
	lines := make([]string, len(v.Problems))
	for i, p := range v.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problems:\n%s", len(v.Problems), strings.Join(lines, "\n"))
}

// Is makes errors.Is(err, ErrInvalid) true for validation errors.
func (v *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Invalid returns a ValidationError with a single problem.
func Invalid(field, format string, args ...any) error {
	v := &ValidationError{}
	v.Add(field, format, args...)
	return v
}
