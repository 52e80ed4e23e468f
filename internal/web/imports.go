package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"outreach/internal/exchange"
	"outreach/internal/outreach"
	"outreach/internal/reports"
	"outreach/internal/store"
	"outreach/internal/tabular"
)

// Imports in the browser go upload → preview (every problem listed, or
// the rows that will be written) → confirm. Between preview and confirm
// the file waits in memory under a random token for its uploader, for at
// most pendingTTL; a restart forgets it and the user uploads again.

const (
	maxReadTime   = 2 * time.Minute
	maxImportFile = 20 << 20
	pendingTTL    = 30 * time.Minute
	maxPending    = 200 << 20
)

type pendingImport struct {
	kind, plan, agency string
	file               store.ImportFile
	data               []byte
	userID             int64
	expires            time.Time
}

type pendingImports struct {
	mu    sync.Mutex
	byKey map[string]*pendingImport
}

func (p *pendingImports) put(pi *pendingImport, now time.Time) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byKey == nil {
		p.byKey = map[string]*pendingImport{}
	}
	total := 0
	for k, v := range p.byKey {
		if v.expires.Before(now) {
			delete(p.byKey, k)
			continue
		}
		total += len(v.data)
	}
	for k := range p.byKey {
		if total+len(pi.data) <= maxPending {
			break
		}
		total -= len(p.byKey[k].data)
		delete(p.byKey, k)
	}
	key := store.NewSecret(18)
	p.byKey[key] = pi
	return key
}

func (p *pendingImports) take(key string, userID int64, now time.Time) *pendingImport {
	p.mu.Lock()
	defer p.mu.Unlock()
	pi := p.byKey[key]
	if pi == nil || pi.userID != userID || pi.expires.Before(now) {
		return nil
	}
	delete(p.byKey, key)
	return pi
}

type importPage struct {
	Page
	Kind       string
	Plan       *outreach.Plan
	Agencies   []outreach.Agency
	Agency     string
	FileName   string
	Problems   []outreach.Problem
	More       int
	Rows       int
	Preview    []previewRow
	Token      string
	NeedAgency bool
}

type previewRow struct {
	Line  int
	Cells []string
}

func (s *Server) importData(r *http.Request, kind string) (importPage, error) {
	p, err := s.planFor(r)
	if err != nil {
		return importPage{}, err
	}
	pg := importPage{Page: s.page(r, "import."+kind, kind), Kind: kind, Plan: p}
	u := currentUser(r)
	own, err := s.reporterAgency(r, p.Code)
	if err != nil {
		return pg, err
	}
	for _, a := range p.Agencies {
		if a.IsGroup() || (u.Role == outreach.RoleAgencyReporter && own != a.Code) {
			continue
		}
		pg.Agencies = append(pg.Agencies, a)
	}
	if u.Role == outreach.RoleAgencyReporter {
		pg.Agency = own
	}
	pg.NeedAgency = kind == "activities"
	return pg, nil
}

func (s *Server) importForm(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		pg, err := s.importData(r, kind)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusOK, "import", pg)
	}
}

// parseUpload reads the file, parses it and checks it against the store
// without writing; it returns the rows count and the problems.
func (s *Server) checkImport(r *http.Request, kind, plan, agency string, fp *store.ImportFile, data []byte) (int, [][]string, []int, []outreach.Problem, error) {
	// Reading stops when the client goes, and in any case after
	// maxReadTime: the largest legitimate XLSX (200,000 rows) reads in
	// about half a minute here.
	ctx, cancel := context.WithTimeout(r.Context(), maxReadTime)
	defer cancel()
	t, err := tabular.ReadContext(ctx, fp.Name, bytes.NewReader(data), tabular.DefaultLimits())
	if errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil {
		return 0, nil, nil, []outreach.Problem{{Position: fp.Name, Message: fmt.Sprintf("Đọc tệp quá %d phút nên đã dừng; hãy chia thành nhiều tệp nhỏ hơn", int(maxReadTime.Minutes()))}}, nil
	}
	if r.Context().Err() != nil {
		return 0, nil, nil, nil, r.Context().Err()
	}
	if err != nil {
		return 0, nil, nil, []outreach.Problem{{Position: fp.Name, Message: err.Error()}}, nil
	}
	// The same rows are the same import, however the file was saved.
	fp.SHA256 = t.Digest()
	file := *fp
	var preview [][]string
	var lines []int
	for i, row := range t.Rows {
		if i >= previewRows {
			break
		}
		preview = append(preview, row.Cells)
		lines = append(lines, row.Line)
	}
	preview = append([][]string{t.Header}, preview...)
	res, err := exchange.NewResolver(r.Context(), s.store, plan)
	if err != nil {
		return 0, nil, nil, nil, err
	}
	actor := currentActor(r)
	var verr error
	var n int
	switch kind {
	case "activities":
		rows, problems := exchange.ParseActivities(t, file.Name, res, agency)
		if len(problems) > 0 {
			return len(t.Rows), preview, lines, problems, nil
		}
		n = len(rows)
		verr = res.TranslateActivityError(s.store.CheckActivities(r.Context(), actor, plan, file, rows), rows)
	case "distributions":
		rows, problems := exchange.ParseDistributions(t, file.Name, res)
		if len(problems) > 0 {
			return len(t.Rows), preview, lines, problems, nil
		}
		n = len(rows)
		verr = exchange.TranslateDistributionError(s.store.CheckDistributions(r.Context(), actor, plan, file, rows))
	}
	var v *outreach.ValidationError
	if errors.As(verr, &v) {
		return n, preview, lines, v.Problems, nil
	}
	return n, preview, lines, nil, verr
}

func (s *Server) uploadImport(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		// Who asks and for which plan are settled before the upload is
		// read: the plan comes from the address, never from the body.
		if !canUpload(currentUser(r), kind) {
			return currentActor(r).Forbidden("import " + kind)
		}
		pg, err := s.importData(r, kind)
		if err != nil {
			return err
		}
		err = s.parseForm(r)
		if errors.Is(err, errFormTooBig) {
			pg.Problems = []outreach.Problem{{Message: pg.T("import.too_big", maxImportFile>>20)}}
			return s.render(w, r, http.StatusRequestEntityTooLarge, "import", pg)
		} else if err != nil {
			return err
		}
		f, hdr, err := r.FormFile("file")
		if err != nil {
			pg.Problems = []outreach.Problem{{Message: pg.T("import.no_file")}}
			return s.render(w, r, http.StatusUnprocessableEntity, "import", pg)
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxImportFile+1))
		if err != nil || len(data) > maxImportFile {
			pg.Problems = []outreach.Problem{{Message: pg.T("import.too_big", maxImportFile>>20)}}
			return s.render(w, r, http.StatusRequestEntityTooLarge, "import", pg)
		}
		releaseForm(r) // the file is in data now
		if pg.Agency == "" {
			pg.Agency = r.PostFormValue("agency")
		}
		file := store.ImportFile{Name: cleanName(hdr.Filename)}
		pg.FileName = file.Name
		n, preview, lines, problems, err := s.checkImport(r, kind, pg.Plan.Code, pg.Agency, &file, data)
		if err != nil {
			return err
		}
		pg.Rows = n
		for i, cells := range preview {
			line := 1
			if i > 0 {
				line = lines[i-1]
			}
			pg.Preview = append(pg.Preview, previewRow{Line: line, Cells: previewCells(cells)})
		}
		if len(problems) > 0 {
			if len(problems) > maxShownProblems {
				pg.More = len(problems) - maxShownProblems
				problems = problems[:maxShownProblems]
			}
			pg.Problems = problems
			return s.render(w, r, http.StatusUnprocessableEntity, "import", pg)
		}
		pg.Token = s.pending.put(&pendingImport{kind: kind, plan: pg.Plan.Code, agency: pg.Agency, file: file, data: data,
			userID: currentUser(r).ID, expires: s.now().Add(pendingTTL)}, s.now())
		return s.render(w, r, http.StatusOK, "import", pg)
	}
}

// The preview shows the first previewRows rows, previewColumns columns and
// previewChars characters of a cell: it is there to recognise the file,
// and its size must not follow the file's.
const (
	previewRows      = 10
	previewColumns   = 30
	previewChars     = 80
	maxShownProblems = 200
)

// previewCells bounds a row for the preview.
func previewCells(cells []string) []string {
	out := make([]string, 0, min(len(cells), previewColumns+1))
	for i, c := range cells {
		if i == previewColumns {
			out = append(out, "…")
			break
		}
		if utf8.RuneCountInString(c) > previewChars {
			c = string([]rune(c)[:previewChars]) + "…"
		}
		out = append(out, c)
	}
	return out
}

func cleanName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	name = strings.ReplaceAll(name, `\`, "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		return "tep"
	}
	return name
}

func (s *Server) confirmImport(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		pg, err := s.importData(r, kind)
		if err != nil {
			return err
		}
		pi := s.pending.take(r.PostFormValue("token"), currentUser(r).ID, s.now())
		if pi == nil || pi.kind != kind {
			return seeOther(w, r, "/"+kind+"/import", pg.T("import.expired"))
		}
		t, err := tabular.ReadContext(r.Context(), pi.file.Name, bytes.NewReader(pi.data), tabular.DefaultLimits())
		if err != nil {
			return err
		}
		res, err := exchange.NewResolver(r.Context(), s.store, pi.plan)
		if err != nil {
			return err
		}
		var n int
		switch kind {
		case "activities":
			rows, problems := exchange.ParseActivities(t, pi.file.Name, res, pi.agency)
			if len(problems) == 0 {
				n, err = s.store.ImportActivities(r.Context(), currentActor(r), pi.plan, pi.file, rows)
				err = res.TranslateActivityError(err, rows)
			} else {
				err = &outreach.ValidationError{Problems: problems}
			}
		case "distributions":
			rows, problems := exchange.ParseDistributions(t, pi.file.Name, res)
			if len(problems) == 0 {
				n, err = s.store.ImportDistributions(r.Context(), currentActor(r), pi.plan, pi.file, rows)
				err = exchange.TranslateDistributionError(err)
			} else {
				err = &outreach.ValidationError{Problems: problems}
			}
		}
		var v *outreach.ValidationError
		if errors.As(err, &v) {
			pg.FileName, pg.Problems = pi.file.Name, v.Problems
			return s.render(w, r, http.StatusUnprocessableEntity, "import", pg)
		}
		if err != nil {
			return err
		}
		return seeOther(w, r, "/"+kind+"?plan="+pi.plan, pg.T("import.done."+kind, n))
	}
}

// exportRecords streams every record the filters select, as CSV or XLSX.
func (s *Server) exportRecords(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.planFor(r)
		if err != nil {
			return err
		}
		format := r.URL.Query().Get("format")
		if format != "csv" && format != "xlsx" {
			return outreach.Invalid("format", "expected csv or xlsx, got %q", format)
		}
		res, err := exchange.NewResolver(r.Context(), s.store, p.Code)
		if err != nil {
			return err
		}
		actor := currentActor(r)
		q := r.URL.Query()
		var buf bytes.Buffer
		switch kind {
		case "activities":
			all, err := s.store.AllActivities(r.Context(), actor, store.ActivityFilter{Plan: p.Code, Agency: q.Get("agency"), Channel: q.Get("channel"),
				Theme: q.Get("theme"), Task: q.Get("task"), Unit: q.Get("unit"), From: q.Get("from"), To: q.Get("to"), Q: q.Get("q"), Sort: "date"})
			if err != nil {
				return err
			}
			err = exchange.ExportActivities(&buf, format, all, res)
		case "distributions":
			all, err := s.store.AllDistributions(r.Context(), actor, store.DistributionFilter{Plan: p.Code})
			if err != nil {
				return err
			}
			err = exchange.ExportDistributions(&buf, format, all, res)
		}
		if err != nil {
			return err
		}
		return sendFile(w, fmt.Sprintf("%s-%s-%s.%s", kind, p.Code, s.now().Format("20060102"), format), format, buf.Bytes())
	}
}

func (s *Server) importTemplate(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.planFor(r)
		if err != nil {
			return err
		}
		format := r.URL.Query().Get("format")
		if format != "csv" && format != "xlsx" {
			return outreach.Invalid("format", "expected csv or xlsx, got %q", format)
		}
		res, err := exchange.NewResolver(r.Context(), s.store, p.Code)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if kind == "activities" {
			err = exchange.ActivityTemplate(&buf, format, res)
		} else {
			err = exchange.DistributionTemplate(&buf, format, res)
		}
		if err != nil {
			return err
		}
		return sendFile(w, fmt.Sprintf("mau-%s.%s", kind, format), format, buf.Bytes())
	}
}

// sendFile sends a download (csv, xlsx, docx or pdf).
func sendFile(w http.ResponseWriter, name, format string, data []byte) error {
	w.Header().Set("Content-Type", reports.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err := w.Write(data)
	return err
}
