package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Time limits. The whole browser lives under browserLimit; every step (a
// navigation, a click, a wait for a text) under stepLimit, so a page that
// never shows what is expected fails the step with the page's text instead
// of hanging the run.
const (
	browserLimit = 3 * time.Minute
	stepLimit    = 20 * time.Second
)

// browserNames are the executables tried in PATH, in order.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// findBrowser returns the browser to drive. Without one it skips the test,
// or fails it in CI, where .ci/run installs Debian's chromium.
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("no browser in PATH (tried %s); install one, e.g. `apt-get install -y chromium fonts-liberation2`", strings.Join(browserNames, ", "))
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " — CI requires it")
	}
	t.Skip(msg)
	return ""
}

// startBrowser starts headless Chromium with a fresh profile (chromedp makes
// a temporary user-data-dir and removes it when the browser stops) and
// returns its context. Users get tabs of their own from it.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	exe := findBrowser(t)
	root, cancelRoot := context.WithTimeout(context.Background(), browserLimit)
	alloc, cancelAlloc := chromedp.NewExecAllocator(root,
		chromedp.ExecPath(exe),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.WindowSize(1280, 1000),
	)
	ctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelRoot()
	})
	// The first run starts the browser; it must not carry a step's timeout,
	// which would stop the whole browser when it ends.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	return ctx
}

// user is one person in front of the browser: a tab in a browser context of
// its own, so each has its own cookies, logged in as one account. Its steps
// fail t; in(t) gives the same person failing a subtest.
type user struct {
	t *testing.T
	*tab
}

type tab struct {
	name string
	base string
	ctx  context.Context

	mu      sync.Mutex
	dialogs []string // messages of the dialogs the page opened, accepted
}

// in is the same user, failing t (a subtest) when a step fails.
func (u *user) in(t *testing.T) *user { return &user{t: t, tab: u.tab} }

// newUser opens a tab in a new browser context and answers its dialogs
// (confirm, beforeunload) with OK, keeping their messages. The tab closes
// when owner ends; t fails when a step fails.
func newUser(t, owner *testing.T, browserCtx context.Context, name, base string) *user {
	t.Helper()
	began := time.Now()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	owner.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: open a tab: %v", name, err)
	}
	if os.Getenv("E2E_TRACE") != "" {
		t.Logf("%s: open a tab: %s", name, time.Since(began).Round(time.Millisecond))
	}
	tb := &tab{name: name, base: base, ctx: ctx}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.dialogs = append(tb.dialogs, ev.Message)
			tb.mu.Unlock()
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			chromedp.Call(cctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			cancel()
		}
	}()
	return &user{t: t, tab: tb}
}

// seenDialogs returns the messages of the dialogs so far.
func (u *user) seenDialogs() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.dialogs...)
}

// fail stops the test with what the page shows, to tell why.
func (u *user) fail(what string, err error) {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, 3*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	u.t.Fatalf("%s: %s: %v\n--- page %s ---\n%s\n---", u.name, what, err, loc, text)
}

// step is the context of one step, limited to stepLimit. With E2E_TRACE
// set, each step's time is logged, to see where a slow run spends it.
func (u *user) step(what string) (context.Context, func()) {
	ctx, cancel := context.WithTimeout(u.ctx, stepLimit)
	if os.Getenv("E2E_TRACE") == "" {
		return ctx, cancel
	}
	began := time.Now()
	return ctx, func() {
		cancel()
		u.t.Logf("%s: %s: %s", u.name, what, time.Since(began).Round(time.Millisecond))
	}
}

// do runs actions as one step.
func (u *user) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	u.t.Helper()
	ctx, cancel := u.step(what)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		u.fail(what, err)
	}
}

// run runs one action that returns a value, as one step.
func run[T any](u *user, what string, a chromedp.Action[T]) T {
	u.t.Helper()
	ctx, cancel := u.step(what)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		u.fail(what, err)
	}
	return v
}

// open goes to a path of the server and waits for the page to load.
func (u *user) open(path string) {
	u.t.Helper()
	ctx, cancel := u.step("open " + path)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u.base+path))
	if err != nil {
		u.fail("open "+path, err)
	}
	if resp != nil && resp.Status >= 400 {
		u.fail("open "+path, fmt.Errorf("status %d", resp.Status))
	}
}

// click clicks the visible element sel finds: sel is XPath when it starts
// with "/" or "(", CSS otherwise.
func click(sel string) chromedp.Action[chromedp.Void] {
	if strings.HasPrefix(sel, "/") || strings.HasPrefix(sel, "(") {
		return chromedp.Click(chromedp.Search(sel), chromedp.NodeVisible)
	}
	return chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)
}

// button is the XPath of a visible button or link in the page's main part
// by its label, as the user reads it.
func button(label string) string {
	return fmt.Sprintf(`//main//*[self::button or self::a][normalize-space(.)=%q]`, label)
}

// press clicks something that loads a new page (a form's button, a link)
// and waits for that page; it returns the page's HTTP status.
func (u *user) press(sel string) int64 {
	u.t.Helper()
	ctx, cancel := u.step("press " + sel)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, click(sel))
	if err != nil {
		u.fail("press "+sel, err)
	}
	return resp.Status
}

// typeInto types text into a field, after what it holds. The text goes
// in as a Vietnamese input method commits it (Input.insertText: one input
// event per text, not one key event per letter), which is also what keeps
// long texts fast.
func (u *user) typeInto(sel, text string) {
	u.t.Helper()
	u.do("type into "+sel, chromedp.Focus(chromedp.CSS(sel), chromedp.NodeVisible), caretAtEnd(sel), insertText(text))
}

// retype selects what a field holds and types text over it.
func (u *user) retype(sel, text string) {
	u.t.Helper()
	u.do("type over "+sel, chromedp.Focus(chromedp.CSS(sel), chromedp.NodeVisible),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).select()`, sel)), insertText(text))
}

// caretAtEnd puts the caret after what a field holds, as a click after
// its text does.
func caretAtEnd(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(e => e.setSelectionRange && e.type !== "email" && e.type !== "number" && e.setSelectionRange(e.value.length, e.value.length))(document.querySelector(%q))`, sel))
}

// insertText types text into the focused field.
func insertText(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return err
	})
}

// watchInputs notes, in the page, when the user last changed a field, so
// that waitAutosaved can tell a save of everything typed from an earlier
// one. It only listens.
func (u *user) watchInputs() {
	u.t.Helper()
	u.do("watch the inputs", chromedp.Evaluate[chromedp.Void](`document.addEventListener("input", () => { window.e2eLastInput = performance.now(); }, true)`))
}

// waitAutosaved waits until the page has saved what was typed by itself:
// an autosave request that started after the last change has answered, and
// the status line says so.
func (u *user) waitAutosaved(status string) {
	u.t.Helper()
	js := `(want) => typeof window.e2eLastInput === "number"
		&& performance.getEntriesByType("resource").some(e => e.name.includes("/autosave") && e.startTime > window.e2eLastInput && e.responseEnd > 0)
		&& document.getElementById("autosave-status").innerText.includes(want)`
	ctx, cancel := u.step("wait for the autosave")
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.PollFunction[bool](js, chromedp.WithPollingArgs(status),
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(stepLimit-time.Second))); err != nil {
		u.fail(fmt.Sprintf("wait for the autosave and %q", status), err)
	}
}

// setValue sets a field whose native picker a keyboard cannot drive the
// same way on every platform (dates), and fires input and change.
func (u *user) setValue(sel, value string) {
	u.t.Helper()
	js := `(sel, v) => { const e = document.querySelector(sel); if (!e) return false;
		e.value = v; e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); return e.value === v; }`
	if !run(u, "set "+sel, chromedp.PollFunction[bool](js, chromedp.WithPollingArgs(sel, value), chromedp.WithPollingTimeout(5*time.Second))) {
		u.fail("set "+sel, fmt.Errorf("value %q not taken", value))
	}
}

// choose picks options of a select (several for a multiple one) and fires
// change, as picking them in the select's list does.
func (u *user) choose(sel string, values ...string) {
	u.t.Helper()
	js := `(sel, vs) => { const e = document.querySelector(sel); if (!e) return false;
		let n = 0; for (const o of e.options) { if (vs.includes(o.value)) { o.selected = true; n++; } else if (!e.multiple) { o.selected = false; } }
		e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); return n === vs.length; }`
	if !run(u, "choose in "+sel, chromedp.PollFunction[bool](js, chromedp.WithPollingArgs(sel, values), chromedp.WithPollingTimeout(5*time.Second))) {
		u.fail("choose in "+sel, fmt.Errorf("options %q not all there", values))
	}
}

// value reads a field's current value.
func (u *user) value(sel string) string {
	u.t.Helper()
	return run(u, "value of "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// text is the visible text of the first element sel finds.
func (u *user) text(sel string) string {
	u.t.Helper()
	return run(u, "text of "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// chosen is the text of a select's chosen option, as the closed select
// shows it.
func (u *user) chosen(sel string) string {
	u.t.Helper()
	return run(u, "chosen in "+sel, chromedp.PollFunction[string](`(sel) => { const e = document.querySelector(sel); return e && e.selectedOptions.length ? e.selectedOptions[0].text : false; }`,
		chromedp.WithPollingArgs(sel), chromedp.WithPollingTimeout(5*time.Second)))
}

// main is the visible text of the page's main part.
func (u *user) main() string {
	u.t.Helper()
	return u.text("main")
}

// waitText waits until the element's visible text contains want.
func (u *user) waitText(sel, want string) {
	u.t.Helper()
	js := `(sel, want) => { const e = document.querySelector(sel); return !!e && e.innerText.includes(want); }`
	ctx, cancel := u.step("wait for " + want)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.PollFunction[bool](js, chromedp.WithPollingArgs(sel, want),
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(stepLimit-time.Second))); err != nil {
		u.fail(fmt.Sprintf("wait for %q in %s", want, sel), err)
	}
}

// see checks the main part shows every text.
func (u *user) see(wants ...string) {
	u.t.Helper()
	text := u.main()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			u.fail("see", fmt.Errorf("%q is not on the page", w))
		}
	}
}

// notSee checks the main part shows none of the texts.
func (u *user) notSee(wants ...string) {
	u.t.Helper()
	text := u.main()
	for _, w := range wants {
		if strings.Contains(text, w) {
			u.fail("not see", fmt.Errorf("%q is on the page", w))
		}
	}
}

// writeControls lists the labels of what the main part offers to change
// something (visible ones only): the buttons of forms that post, and the
// links to the pages that create, import or edit records.
func (u *user) writeControls() []string {
	u.t.Helper()
	return run(u, "list the controls", chromedp.Evaluate[[]string](`[...document.querySelectorAll("main button, main input[type=submit], main a[href]")]
		.filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden")
		.filter(e => e.tagName === "A" ? /\/(new|import|edit)(\?|$)/.test(new URL(e.href).pathname + "?") : (e.form && e.form.method === "post"))
		.map(e => (e.innerText || e.value || "").trim())`))
}

// download clicks a link that downloads a file into dir and waits for the
// browser to finish it; it returns the file's name and bytes.
func (u *user) download(sel, dir string) (string, []byte) {
	u.t.Helper()
	ctx, cancel := u.step("download " + sel)
	defer cancel()
	begin := chromedp.Events(ctx, browser.DownloadWillBegin)
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	yes := true
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:         browser.SetDownloadBehaviorBehaviorAllow,
		BrowserContextID: chromedp.FromContext(u.ctx).BrowserContextID,
		DownloadPath:     dir,
		EventsEnabled:    &yes,
	}); err != nil {
		u.fail("allow downloads", err)
	}
	if err := chromedp.Do(ctx, click(sel)); err != nil {
		u.fail("click "+sel, err)
	}
	var name, guid string
	for ev, err := range begin {
		if err != nil {
			u.fail("wait for the download to begin", err)
		}
		name, guid = ev.SuggestedFilename, ev.GUID
		break
	}
	for ev, err := range progress {
		if err != nil {
			u.fail("wait for the download to end", err)
		}
		if ev.GUID != guid {
			continue
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			u.fail("download", fmt.Errorf("%s canceled", name))
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		u.fail("read the download", err)
	}
	return name, data
}
