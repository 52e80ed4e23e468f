package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"outreach/internal/outreach"
	"outreach/internal/store"
)

// readPassword reads one line from standard input.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usagef("no password on standard input")
	}
	return pw, nil
}

func cmdUserAdd(ctx context.Context, e env) error {
	fs := newFlags(e, "user add")
	open := dataFlag(e, fs)
	username := fs.String("username", "", "login name (lowercase)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, coordinator, agency_reporter, unit_reporter or viewer")
	agency := fs.String("agency", "", "for an agency_reporter: the agency's owner and code (06/bk-ca), or its code in the user's --scope")
	unit := fs.String("unit", "", "unit code, for a unit_reporter")
	scope := fs.String("scope", "", "what the user sees: empty for the whole system, VN for the ministry, a province code (e.g. 19) for that province only")
	stdinPw := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %v", fs.Args())
	}
	if *username == "" || *name == "" || *role == "" {
		return usagef("--username, --name and --role are required")
	}
	if !*stdinPw {
		return usagef("--password-stdin is required (passwords are never taken as arguments)")
	}
	pw, err := readPassword(e.stdin)
	if err != nil {
		return err
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.CreateUser(ctx, outreach.SystemActor("cli"), store.NewUser{
		Username: *username, Name: *name, Role: outreach.Role(*role), AgencyCode: *agency, UnitCode: *unit, Scope: *scope, Password: pw,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s (%s) added as %s\n", u.Username, u.Name, u.Role)
	return nil
}

func cmdUserPasswd(ctx context.Context, e env) error {
	fs := newFlags(e, "user passwd")
	open := dataFlag(e, fs)
	username := fs.String("username", "", "login name")
	stdinPw := fs.Bool("password-stdin", false, "read the new password from standard input")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if *username == "" || !*stdinPw {
		return usagef("--username and --password-stdin are required")
	}
	pw, err := readPassword(e.stdin)
	if err != nil {
		return err
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.ChangePassword(ctx, outreach.SystemActor("cli"), strings.ToLower(*username), "", pw, ""); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "password of %s changed; their sessions have ended\n", *username)
	return nil
}

func cmdTokenCreate(ctx context.Context, e env) error {
	fs := newFlags(e, "token create")
	open := dataFlag(e, fs)
	username := fs.String("username", "", "the user the token acts as")
	name := fs.String("name", "cli", "a label for the token")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if *username == "" {
		return usagef("--username is required")
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	tok, err := s.CreateToken(ctx, outreach.SystemActor("cli"), strings.ToLower(*username), *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, tok)
	return nil
}

func cmdTokenList(ctx context.Context, e env) error {
	fs := newFlags(e, "token list")
	open := dataFlag(e, fs)
	username := fs.String("username", "", "only this user's tokens")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	ts, err := s.Tokens(ctx, outreach.SystemActor("cli"), strings.ToLower(*username))
	if err != nil {
		return err
	}
	for _, t := range ts {
		used := "never"
		if !t.LastUsedAt.IsZero() {
			used = t.LastUsedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Username, t.Name, t.CreatedAt.UTC().Format(time.RFC3339), used)
	}
	return nil
}

func cmdTokenRevoke(ctx context.Context, e env) error {
	fs := newFlags(e, "token revoke")
	open := dataFlag(e, fs)
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("token revoke takes one token id (see token list)")
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil {
		return usagef("token id %q is not a number", fs.Arg(0))
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.RevokeToken(ctx, outreach.SystemActor("cli"), id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "revoked token %d\n", id)
	return nil
}
