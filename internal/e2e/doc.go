// Package e2e drives the web UI in a real browser (headless Chromium through
// the DevTools protocol) against the real handler over a seeded SQLite store.
// Its tests assert what a person sees: the visible text of the page, the
// values of the fields, the files the browser downloads.
//
// The browser is found in PATH (chromium, chromium-browser, google-chrome).
// Without one the tests skip, except in CI (CI=true), where they fail;
// .ci/run installs Debian's chromium when it is missing.
package e2e
